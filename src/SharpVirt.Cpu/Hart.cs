using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SharpVirt.Cpu.Csr;
using SharpVirt.Cpu.Decoders;
using SharpVirt.Cpu.Mmu;
using SharpVirt.Cpu.Traps;
using SharpVirt.Cpu.Translation;
using SharpVirt.Memory;

namespace SharpVirt.Cpu;

/// <summary>
/// One RV64GC hart (M/S/U). It reaches RAM through the guest memory slots and everything else
/// through <see cref="IPhysicalBus"/>; it knows nothing of the board. <see cref="Run"/> executes
/// until an exit that the VMM must handle, as KVM_RUN does.
/// </summary>
public sealed unsafe partial class Hart : IDisposable
{
    public const int DecodeCacheBits = 14;

    /// <summary>What this hart implements, in the ISA naming convention (unprivileged spec ch. 36), for the device tree.</summary>
    public const string IsaString = "rv64imafdc_zicntr_zicsr_zifencei_zihintpause_zba_zbb_zbs_sstc";

    private readonly GuestMemory memory;
    private readonly IPhysicalBus bus;
    private readonly Timebase timebase;
    private readonly Tlb tlb = new();
    private readonly DecodedInsn[] decodeCache = new DecodedInsn[1 << DecodeCacheBits];

    /// <summary>x0..x31; x[0] is re-zeroed after every instruction.</summary>
    private readonly ulong* x;
    /// <summary>f0..f31, NaN-boxed.</summary>
    private readonly ulong* f;

    public int HartId { get; }
    public ulong Pc;
    public PrivilegeMode Mode { get; private set; } = PrivilegeMode.Machine;

    /// <summary>When set, ECALL from S-mode exits to the VMM (which implements the SBI) instead of trapping to M-mode.</summary>
    public bool SbiInVmm { get; set; }

    /// <summary>Instructions retired (minstret).</summary>
    public ulong Instret;

    private volatile bool stopRequested;

    /// <summary>Remote fences (SBI RFENCE) as tickets: posted by other harts, served at this hart's next poll.</summary>
    private long flushRequested, flushServed, fenceIRequested, fenceIServed;

    public Hart(int hartId, GuestMemory memory, IPhysicalBus bus, Timebase timebase)
    {
        HartId = hartId;
        this.memory = memory;
        this.bus = bus;
        this.timebase = timebase;
        x = (ulong*)NativeMemory.AllocZeroed(32, sizeof(ulong));
        f = (ulong*)NativeMemory.AllocZeroed(32, sizeof(ulong));
        // Pinned managed memory, not native: another thread may still kick the hart after Dispose.
        frameStorage = GC.AllocateArray<byte>(sizeof(NativeFrame) + 64, pinned: true);
        nativeFrame = (NativeFrame*)(((nint)Unsafe.AsPointer(ref frameStorage[0]) + 63) & ~(nint)63);
        nativeFrame->Jumps = jumps.Table;
        // Every slot must hold a real decoding of its Raw tag (a zeroed slot would claim raw 0 decodes to length 0).
        Array.Fill(decodeCache, Decoder.Decode(0));
        evictCodeStores = page => tlb.EvictStoresTo((byte*)page);
        memory.CodePageProtected += evictCodeStores;
        Reset(0);
    }

    /// <summary>Our TLB's part when any hart starts translating a page: stores to it must take the slow path.</summary>
    private readonly Action<nint> evictCodeStores;

    public Timebase Timebase => timebase;
    public GuestMemory Memory => memory;

    public ulong GetX(int i) => x[i & 31];
    public void SetX(int i, ulong value)
    {
        if ((i & 31) != 0)
            x[i & 31] = value;
    }

    public ulong GetF(int i) => f[i & 31];
    public void SetF(int i, ulong value) => f[i & 31] = value;

    /// <summary>Resets to M-mode at <paramref name="resetPc"/> with the CSRs at their reset values (privileged spec 3.4).</summary>
    public void Reset(ulong resetPc)
    {
        for (int i = 0; i < 32; i++)
        {
            x[i] = 0;
            f[i] = 0;
        }
        Pc = resetPc;
        Mode = PrivilegeMode.Machine;
        mstatus = Mstatus.Xlen64;
        medeleg = mideleg = mie = 0;
        Interlocked.Exchange(ref mipSoftware, 0);
        // Platform lines (MEIP, MSIP, SEIP) are wires from devices that keep their level across a hart reset;
        // the timer bits are recomputed at the next poll.
        Interlocked.And(ref mipHardware, (long)(Interrupt.MEIP | Interrupt.MSIP | Interrupt.SEIP));
        sbiTimer = ulong.MaxValue;
        mtvec = stvec = mepc = sepc = mcause = scause = mtval = stval = mscratch = sscratch = 0;
        mcounteren = scounteren = 0;
        menvcfg = senvcfg = 0;
        satp = 0;
        stimecmp = ulong.MaxValue;
        mtimecmp = ulong.MaxValue;
        fflags = 0;
        frm = 0;
        Array.Clear(pmpcfg);
        Array.Clear(pmpaddr);
        Instret = 0;
        cycleOffset = 0;
        reservation = null;
        tlb.FlushAll();
        UpdateTranslationContext();
    }

    /// <summary>
    /// Enters S-mode at <paramref name="pc"/> with a0 = hartid and a1 = opaque, satp = 0 and interrupts off:
    /// the state Linux's boot protocol and SBI HSM hart_start promise (SBI spec 9.1).
    /// </summary>
    public void StartSupervisor(ulong pc, ulong a0, ulong a1)
    {
        Reset(pc);
        SetX(10, a0);
        SetX(11, a1);
        // Delegate to S what a KVM guest would see as its own traps.
        medeleg = MedelegWritable & ~((1UL << 9) | (1UL << 11));
        mideleg = Traps.Interrupt.SupervisorBits;
        mcounteren = 0xffff_ffff;
        // As OpenSBI leaves it: U-mode may read cycle, time and instret (Linux's vDSO reads time).
        scounteren = 7;
        menvcfg = Csr.Menvcfg.STCE;
        mstatus |= Csr.Mstatus.FSInitial;
        SetMode(PrivilegeMode.Supervisor);
    }

    /// <summary>Asks <see cref="Run"/> to return <see cref="ExitReason.Stop"/> at the next poll; callable from any thread.</summary>
    public void RequestStop()
    {
        stopRequested = true;
        Kick();
    }

    public void ClearStop() => stopRequested = false;

    /// <summary>The instructions <see cref="Run"/> gives <see cref="Execute"/> at a time, between polls for interrupts and requests.</summary>
    public const int Chunk = 4096;

    /// <summary>
    /// Runs guest code for <paramref name="budget"/> instructions, or until an exit. A budget of a
    /// <see cref="Chunk"/> or more (a vCPU's time slice) may be overrun by the rest of one compiled block,
    /// at most <see cref="BlockTranslator.MaxInstructions"/>; a smaller one (stepping, tests) is exact.
    /// </summary>
    public ExitReason Run(long budget)
    {
        exactBudget = budget < Chunk;
        // Full fence after the flag, before the first poll: a fence posted from now on is either seen at that
        // poll or waited for (see InGuest).
        Interlocked.Exchange(ref inGuest, 1);
        try
        {
            while (budget > 0)
            {
                Interlocked.Exchange(ref Kicked, 0); // full fence: what kicked the hart is read below
                if (stopRequested)
                    return ExitReason.Stop;
                ServiceRemoteRequests();
                UpdateTimerInterrupts();
                TakePendingInterrupt();
                int chunk = (int)Math.Min(budget, Chunk);
                int executed = Execute(chunk, out ExitReason reason, out bool exited);
                budget -= executed;
                if (exited)
                    return reason;
            }
            return ExitReason.Budget;
        }
        finally
        {
            Volatile.Write(ref inGuest, 0);
            WakeFenceWaiters();
        }
    }

    private int inGuest;

    /// <summary>
    /// True while the hart's thread is in <see cref="Run"/>. A remote fence must wait only for such a hart:
    /// any other serves it at its first poll, before it runs another instruction (the flag and the fence's
    /// ticket are each written before the other is read, with full fences, as in Dekker's algorithm).
    /// </summary>
    public bool InGuest => Volatile.Read(ref inGuest) != 0;

    /// <summary>
    /// Posts a remote fence to this hart from another thread; returns the ticket to wait on. A hart in WFI is
    /// not woken for it (as KVM's requests with KVM_REQUEST_NO_WAKEUP): it serves it before it runs again.
    /// </summary>
    public long PostRemoteFence(RemoteFence fence)
    {
        long ticket = Interlocked.Increment(ref fence == RemoteFence.Tlb ? ref flushRequested : ref fenceIRequested);
        Volatile.Write(ref Kicked, 1); // served at the next block, not the next chunk
        return ticket;
    }

    public bool RemoteFenceServed(RemoteFence fence, long ticket)
        => Volatile.Read(ref fence == RemoteFence.Tlb ? ref flushServed : ref fenceIServed) >= ticket;

    /// <summary>Serves posted remote fences; the hart's own thread calls this at every poll.</summary>
    public void ServiceRemoteRequests()
    {
        bool served = false;
        long requested = Volatile.Read(ref flushRequested);
        if (requested != flushServed)
        {
            // SFENCE.VMA leaves code alone: blocks are cached by physical address.
            tlb.FlushAll();
            Volatile.Write(ref flushServed, requested);
            served = true;
        }
        requested = Volatile.Read(ref fenceIRequested);
        if (requested != fenceIServed)
        {
            FenceInstructions();
            Volatile.Write(ref fenceIServed, requested);
            served = true;
        }
        if (served)
            WakeFenceWaiters();
    }

    /// <summary>Threads blocked in <see cref="AwaitRemoteFence"/>, and what they wait on.</summary>
    private int fenceWaiters;
    private readonly object fenceWait = new();

    /// <summary>
    /// Blocks the calling thread (another hart's, in a shootdown) until this hart has served remote fence
    /// <paramref name="ticket"/> or left guest code, for a millisecond at most. A waiter that spins instead
    /// takes a host core from the hart it waits for when there are more threads than cores.
    /// </summary>
    public void AwaitRemoteFence(RemoteFence fence, long ticket)
    {
        Interlocked.Increment(ref fenceWaiters); // full fence: the hart reads the count after it serves
        lock (fenceWait)
        {
            if (!RemoteFenceServed(fence, ticket) && InGuest)
                Monitor.Wait(fenceWait, 1);
        }
        Interlocked.Decrement(ref fenceWaiters);
    }

    private void WakeFenceWaiters()
    {
        Interlocked.MemoryBarrier(); // the fence served (or the flag cleared) before the count is read
        if (Volatile.Read(ref fenceWaiters) == 0)
            return;
        lock (fenceWait)
            Monitor.PulseAll(fenceWait);
    }

    /// <summary>After an SBI exit: the VMM has set a0/a1; resume after the ECALL.</summary>
    public void CompleteSbiCall() => Pc += 4;

    public void Dispose()
    {
        Translation.BackgroundCompiler.Forget(this);
        memory.CodePageProtected -= evictCodeStores;
        tlb.Dispose();
        arena?.Dispose();
        NativeMemory.Free(x);
        NativeMemory.Free(f);
    }
}
