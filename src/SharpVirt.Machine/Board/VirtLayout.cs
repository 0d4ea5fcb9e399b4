namespace SharpVirt.Machine.Board;

/// <summary>The memory map and interrupt numbers of QEMU's `virt` board, which ours copies.</summary>
public static class VirtLayout
{
    public const ulong SysconTest = 0x0010_0000;
    public const ulong Rtc = 0x0010_1000;
    public const ulong Clint = 0x0200_0000;
    public const ulong Plic = 0x0c00_0000;
    public const ulong Uart0 = 0x1000_0000;
    public const ulong VirtioMmio = 0x1000_1000, VirtioMmioStride = 0x1000;
    public const int VirtioMmioSlots = 8;
    public const ulong RamBase = 0x8000_0000;

    public const int Uart0Irq = 10, RtcIrq = 11, VirtioIrqBase = 1;

    public static ulong VirtioSlot(int n) => VirtioMmio + (ulong)n * VirtioMmioStride;
}
