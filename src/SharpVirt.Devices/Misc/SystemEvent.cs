namespace SharpVirt.Devices.Misc;

/// <summary>A request from the guest to stop or restart the machine.</summary>
public enum SystemEvent
{
    /// <summary>Power off; the guest ran to a successful end (exit code 0).</summary>
    PowerOff,

    /// <summary>Reset the machine.</summary>
    Reset,

    /// <summary>Power off reporting failure; the code is the guest's exit code.</summary>
    Fail,
}
