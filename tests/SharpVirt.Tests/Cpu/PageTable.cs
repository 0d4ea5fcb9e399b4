using SharpVirt.Cpu.Mmu;

namespace SharpVirt.Tests.Cpu;

/// <summary>Builds Sv39/Sv48/Sv57 page tables in a bench's RAM (privileged spec 12.3 to 12.6).</summary>
public sealed class PageTable
{
    public const ulong V = Pte.V, R = Pte.R, W = Pte.W, X = Pte.X, U = Pte.U, G = Pte.G, A = Pte.A, D = Pte.D;
    public const ulong RWX = R | W | X;

    private readonly HartBench b;
    private ulong next;

    public ulong Mode { get; }
    public int Levels { get; }
    public ulong Root { get; }

    public PageTable(HartBench bench, ulong mode, ulong area = HartBench.PageTables)
    {
        b = bench;
        Mode = mode;
        Levels = SharpVirt.Cpu.Mmu.Satp.Levels(mode);
        next = area;
        Root = Alloc();
    }

    /// <summary>A zeroed page for a table.</summary>
    public ulong Alloc()
    {
        ulong p = next;
        next += 0x1000;
        b.Load(p, new byte[0x1000]);
        return p;
    }

    public ulong Satp(ushort asid = 0) => (Mode << 60) | ((ulong)asid << 44) | (Root >> 12);

    public static ulong PageSize(int level) => 1UL << (12 + 9 * level);

    /// <summary>Maps <paramref name="va"/> to <paramref name="pa"/> with a leaf at <paramref name="level"/> (0 = 4 KiB); returns the leaf PTE's address.</summary>
    public ulong Map(ulong va, ulong pa, int level, ulong flags)
    {
        ulong address = Walk(va, level, create: true);
        b.Write64(address, ((pa >> 12) << 10) | flags);
        return address;
    }

    /// <summary>The address of the PTE for <paramref name="va"/> at <paramref name="level"/>, creating the tables above it.</summary>
    public ulong Walk(ulong va, int level, bool create = false)
    {
        ulong table = Root;
        for (int i = Levels - 1; i > level; i--)
        {
            ulong pteAddress = table + (((va >> (12 + 9 * i)) & 0x1ff) << 3);
            ulong pte = b.Read64(pteAddress);
            if ((pte & V) == 0 || (pte & (R | X)) != 0)
            {
                if (!create)
                    throw new InvalidOperationException($"no table for 0x{va:x} at level {i}");
                ulong t = Alloc();
                pte = ((t >> 12) << 10) | V;
                b.Write64(pteAddress, pte);
            }
            table = ((pte >> 10) & Pte.PpnMask) << 12;
        }
        return table + (((va >> (12 + 9 * level)) & 0x1ff) << 3);
    }

    public ulong Read(ulong pteAddress) => b.Read64(pteAddress);

    public void Write(ulong pteAddress, ulong pte) => b.Write64(pteAddress, pte);
}
