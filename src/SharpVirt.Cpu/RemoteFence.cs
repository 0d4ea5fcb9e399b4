namespace SharpVirt.Cpu;

/// <summary>What another hart asks of this one through SBI RFENCE (SBI spec ch. 8).</summary>
public enum RemoteFence
{
    /// <summary>SFENCE.VMA (any address range or ASID): the whole TLB is flushed.</summary>
    Tlb,

    /// <summary>FENCE.I: every block rechecks its bytes before it runs again.</summary>
    Instructions,
}
