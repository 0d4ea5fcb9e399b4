namespace SharpVirt.Cpu;

/// <summary>Privilege levels (privileged spec 1.2): the encoding used in mstatus.MPP.</summary>
public enum PrivilegeMode : byte
{
    User = 0,
    Supervisor = 1,
    Machine = 3,
}
