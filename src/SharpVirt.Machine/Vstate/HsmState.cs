namespace SharpVirt.Machine.Vstate;

/// <summary>Hart states of the SBI HSM extension (SBI spec 9.1), with their numeric codes.</summary>
public enum HsmState
{
    Started = 0,
    Stopped = 1,
    StartPending = 2,
    StopPending = 3,
    Suspended = 4,
}
