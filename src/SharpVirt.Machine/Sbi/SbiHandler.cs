using SharpVirt.Cpu;
using SharpVirt.Cpu.Traps;
using SharpVirt.Machine.Vstate;

namespace SharpVirt.Machine.Sbi;

/// <summary>
/// The SBI implemented in the VMM, as KVM RISC-V does (SBI spec v2.0): BASE, TIME, IPI, RFENCE,
/// HSM, SRST and DBCN, plus the legacy timer and console calls. A call arrives as an ECALL exit.
/// </summary>
public sealed class SbiHandler(IVmServices vm)
{
    public const long SpecVersion = 2L << 24;  // v2.0
    public const long ImplementationId = 0x5356; // "SV": SharpVirt (not a registered ID)
    public const long ImplementationVersion = 1;

    /// <summary>Handles the call in a7/a6 with arguments a0..a5; writes a0 (error) and a1 (value) and resumes after the ECALL.</summary>
    public void Handle(Vcpu vcpu)
    {
        Hart h = vcpu.Hart;
        ulong eid = h.GetX(17), fid = h.GetX(16);
        ulong a0 = h.GetX(10), a1 = h.GetX(11), a2 = h.GetX(12);
        long error = SbiError.Success, value = 0;
        switch (eid)
        {
            case SbiExtension.LegacySetTimer:
                h.SbiTimer = a0;
                h.CompleteSbiCall();
                h.SetX(10, 0);
                return;
            case SbiExtension.LegacyPutChar:
                vm.ConsoleWrite([(byte)a0]);
                h.CompleteSbiCall();
                h.SetX(10, 0);
                return;
            case SbiExtension.LegacyGetChar:
                h.CompleteSbiCall();
                h.SetX(10, unchecked((ulong)vm.ConsoleRead()));
                return;
            case SbiExtension.Base:
                (error, value) = fid switch
                {
                    0 => (SbiError.Success, SpecVersion),
                    1 => (SbiError.Success, ImplementationId),
                    2 => (SbiError.Success, ImplementationVersion),
                    3 => (SbiError.Success, SbiExtension.IsImplemented(a0) ? 1L : 0L),
                    4 or 5 or 6 => (SbiError.Success, 0L), // mvendorid, marchid, mimpid
                    _ => (SbiError.NotSupported, 0L),
                };
                break;
            case SbiExtension.Time when fid == 0:
                h.SbiTimer = a0;
                break;
            case SbiExtension.Ipi when fid == 0:
                error = ForEachHart(a0, a1, target => target.Hart.InjectInterrupt(Interrupt.SSIP));
                break;
            case SbiExtension.Rfence when fid <= 6:
                // fid 0 is remote FENCE.I; 1-6 are SFENCE.VMA variants, each served as a full flush.
                error = Shootdown(vcpu, a0, a1, fid == 0 ? RemoteFence.Instructions : RemoteFence.Tlb);
                break;
            case SbiExtension.Hsm:
                (error, value) = Hsm(vcpu, fid, a0, a1, a2);
                if (fid == 1 && error == SbiError.Success)
                    return; // hart_stop does not return
                break;
            case SbiExtension.Srst when fid == 0:
                if (a0 > 2)
                    error = SbiError.InvalidParam;
                else
                {
                    vm.RequestExit(a0 == 0 ? new VmExit(VmExitKind.PowerOff, a1 == 0 ? 0 : 1) : new VmExit(VmExitKind.Reset, 0));
                    return;
                }
                break;
            case SbiExtension.Dbcn:
                (error, value) = Dbcn(fid, a0, a1, a2);
                break;
            default:
                error = SbiError.NotSupported;
                break;
        }
        h.CompleteSbiCall();
        h.SetX(10, unchecked((ulong)error));
        h.SetX(11, unchecked((ulong)value));
    }

    /// <summary>Applies <paramref name="action"/> to each hart in (hart_mask, hart_mask_base); base -1 means all harts (SBI spec 3.1).</summary>
    private long ForEachHart(ulong mask, ulong maskBase, Action<Vcpu> action)
    {
        var vcpus = vm.Vcpus;
        if (maskBase == ulong.MaxValue)
        {
            foreach (var v in vcpus)
                action(v);
            return SbiError.Success;
        }
        for (int bit = 0; bit < 64; bit++)
        {
            if ((mask & (1UL << bit)) == 0)
                continue;
            ulong id = maskBase + (ulong)bit;
            if (id >= (ulong)vcpus.Count)
                return SbiError.InvalidParam;
        }
        for (int bit = 0; bit < 64; bit++)
            if ((mask & (1UL << bit)) != 0)
                action(vcpus[(int)(maskBase + (ulong)bit)]);
        return SbiError.Success;
    }

    /// <summary>
    /// Posts a fence to every target and waits until each one running guest code has served it, as Linux
    /// expects of a shootdown. The others (in WFI, stopped, handling an exit) serve it before they run again.
    /// </summary>
    private long Shootdown(Vcpu caller, ulong mask, ulong maskBase, RemoteFence fence)
    {
        var waits = new List<(Vcpu Target, long Ticket)>();
        long error = ForEachHart(mask, maskBase, target =>
        {
            long ticket = target.Hart.PostRemoteFence(fence);
            if (target != caller && target.State == HsmState.Started)
                waits.Add((target, ticket));
        });
        caller.Hart.ServiceRemoteRequests();
        foreach (var (target, ticket) in waits)
        {
            var spin = new SpinWait();
            while (!target.Hart.RemoteFenceServed(fence, ticket) && target.Hart.InGuest && target.State == HsmState.Started && !vm.Exiting)
            {
                // Two harts may shoot each other down at once: serve our own queue while we wait.
                caller.Hart.ServiceRemoteRequests();
                // A short spin, then sleep until the target serves it (it wakes us), so as not to hold a core it may need.
                if (spin.NextSpinWillYield)
                    target.Hart.AwaitRemoteFence(fence, ticket);
                else
                    spin.SpinOnce();
            }
        }
        return error;
    }

    private (long, long) Hsm(Vcpu caller, ulong fid, ulong a0, ulong a1, ulong a2)
    {
        var vcpus = vm.Vcpus;
        switch (fid)
        {
            case 0: // hart_start(hartid, start_addr, opaque)
                if (a0 >= (ulong)vcpus.Count)
                    return (SbiError.InvalidParam, 0);
                return (vcpus[(int)a0].TryStart(a1, a2) ? SbiError.Success : SbiError.AlreadyAvailable, 0);
            case 1: // hart_stop()
                caller.Hart.CompleteSbiCall();
                caller.StopSelf();
                return (SbiError.Success, 0);
            case 2: // hart_get_status(hartid)
                if (a0 >= (ulong)vcpus.Count)
                    return (SbiError.InvalidParam, 0);
                return (SbiError.Success, (long)vcpus[(int)a0].State);
            case 3: // hart_suspend(type, resume_addr, opaque): only the default retentive suspend, which acts as WFI
                if ((uint)a0 != 0)
                    return (a0 == 0x8000_0000 ? SbiError.NotSupported : SbiError.InvalidParam, 0);
                caller.SuspendRetentive();
                return (SbiError.Success, 0);
            default:
                return (SbiError.NotSupported, 0);
        }
    }

    /// <summary>Debug console (SBI spec ch. 12): write and read through guest-physical buffers.</summary>
    private (long, long) Dbcn(ulong fid, ulong a0, ulong a1, ulong a2)
    {
        switch (fid)
        {
            case 0: // console_write(num_bytes, base_lo, base_hi)
            case 1: // console_read(num_bytes, base_lo, base_hi)
                if (a2 != 0 || a0 > int.MaxValue)
                    return (SbiError.InvalidParam, 0);
                int n = (int)Math.Min(a0, 4096);
                var buffer = new byte[n];
                if (fid == 0)
                {
                    if (!vm.Memory.TryRead(a1, buffer))
                        return (SbiError.InvalidParam, 0);
                    vm.ConsoleWrite(buffer);
                    return (SbiError.Success, n);
                }
                int got = 0;
                while (got < n && vm.ConsoleRead() is int c && c >= 0)
                    buffer[got++] = (byte)c;
                if (!vm.Memory.TryWrite(a1, buffer.AsSpan(0, got)))
                    return (SbiError.InvalidParam, 0);
                return (SbiError.Success, got);
            case 2: // console_write_byte(byte)
                vm.ConsoleWrite([(byte)a0]);
                return (SbiError.Success, 0);
            default:
                return (SbiError.NotSupported, 0);
        }
    }
}
