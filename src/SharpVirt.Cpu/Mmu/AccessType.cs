namespace SharpVirt.Cpu.Mmu;

/// <summary>The three kinds of memory access, each with its own TLB and its own fault causes.</summary>
public enum AccessType
{
    Fetch = 0,
    Load = 1,
    Store = 2,
}
