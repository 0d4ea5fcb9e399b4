namespace SharpVirt.Machine.Vstate;

/// <summary>How a VM run ended.</summary>
public enum VmExitKind
{
    PowerOff,
    Reset,
    Fail,
    Timeout,
    InternalError,
}

public readonly record struct VmExit(VmExitKind Kind, int Code, string? Message = null);
