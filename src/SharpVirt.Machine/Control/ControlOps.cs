using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using SharpVirt.Cpu;
using SharpVirt.Devices.Virtio.Balloon;
using SharpVirt.Machine.Board;
using SharpVirt.Machine.Snapshot;
using SharpVirt.Machine.Vstate;

namespace SharpVirt.Machine.Control;

/// <summary>
/// The control API's operations on one VM (docs/API.md). <see cref="Handle"/> turns a request line into a
/// response line; bad requests and failed operations answer <c>{"error":"..."}</c> and never throw.
/// </summary>
public sealed partial class ControlOps(Vm vm, string name)
{
    /// <summary>How long pause waits for every vCPU thread to reach the gate (a WFI wait lasts up to 1 s).</summary>
    public static readonly TimeSpan PauseWait = TimeSpan.FromSeconds(2);

    public static readonly IReadOnlyList<string> Operations =
        ["status", "stats", "vcpus", "pause", "resume", "stop", "reboot", "balloon", "translate", "memmap", "read", "cpu_share", "snapshot"];

    /// <summary>Serializes the operations that change whether the vCPUs run, so none slips in while a snapshot is written.</summary>
    private readonly Lock runStateGate = new();

    public string Name => name;

    public bool Paused => vm.Vcpus.Any(v => v.PauseRequested);

    public string Handle(string line)
    {
        JsonObject reply;
        try
        {
            reply = Execute(ControlRequest.Parse(line));
        }
        catch (ControlException e)
        {
            reply = Error(e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            reply = Error($"internal error: {e.GetType().Name}: {e.Message}");
        }
        return reply.ToJsonString(JsonOptions);
    }

    /// <summary>Compact, with only what JSON requires escaped (quotes in messages stay readable).</summary>
    public static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonObject Error(string message) => new() { ["error"] = message };

    public JsonObject Execute(ControlRequest request) => request.Op switch
    {
        "status" => Status(),
        "stats" => Stats(),
        "vcpus" => Vcpus(),
        "pause" => Pause(),
        "resume" => Resume(),
        "stop" => Stop(),
        "reboot" => Reboot(),
        "balloon" => Balloon(request),
        "translate" => Translate(request),
        "memmap" => MemoryMap(),
        "read" => ReadMemory(request),
        "cpu_share" => CpuShare(request),
        "snapshot" => Snapshot(request),
        _ => throw new ControlException($"unknown op '{request.Op}' (one of: {string.Join(", ", Operations)})"),
    };

    private JsonObject Status() => new()
    {
        ["name"] = name,
        ["pid"] = Environment.ProcessId,
        ["state"] = Paused ? "paused" : "running",
        ["vcpus"] = vm.Vcpus.Count,
        ["memory"] = vm.Config.MemorySize,
    };

    private JsonObject Stats()
    {
        var slots = new JsonArray();
        foreach (var slot in vm.Memory.Slots)
        {
            slots.Add(new JsonObject
            {
                ["id"] = slot.Id,
                ["guest_base"] = Hex(slot.GuestBase),
                ["size"] = slot.Size,
                ["resident_pages"] = slot.ResidentPages,
            });
        }
        var reply = Status();
        reply["host_rss"] = HostStats.ResidentBytes();
        reply["cpu_ms"] = HostStats.CpuMilliseconds();
        reply["host_cpus"] = Environment.ProcessorCount;
        reply["guest_ram"] = vm.Memory.TotalSize;
        reply["slots"] = slots;
        reply["cpu_share"] = CpuShareState();
        reply["vcpu"] = VcpuList(detail: true);
        if (vm.Virtio.Balloon is VirtioBalloon b)
            reply["balloon"] = BalloonState(b);
        return reply;
    }

    private JsonObject Vcpus() => new() { ["vcpus"] = VcpuList(detail: false) };

    private JsonArray VcpuList(bool detail)
    {
        var list = new JsonArray();
        foreach (var v in vm.Vcpus)
        {
            var o = new JsonObject
            {
                ["id"] = v.Id,
                ["thread"] = $"vcpu{v.Id}",
                ["tid"] = v.HostThreadId,
                ["last_cpu"] = HostStats.LastCpu(v.HostThreadId),
                ["state"] = StateOf(v),
            };
            if (v.PinnedCpu is int pinned)
                o["pinned_cpu"] = pinned;
            if (detail)
            {
                o["cpu_ms"] = v.HostThreadId > 0 ? HostStats.CpuMilliseconds(v.HostThreadId) : null;
                o["instret"] = Volatile.Read(ref v.Hart.Instret);
                o["pc"] = Hex(Volatile.Read(ref v.Hart.Pc));
                o["mode"] = v.Hart.Mode.ToString();
            }
            list.Add(o);
        }
        return list;
    }

    /// <summary>running, halted (WFI or HSM suspend), paused (at the control gate), or stopped (HSM stopped).</summary>
    public static string StateOf(Vcpu v)
    {
        if (v.Paused || v.PauseRequested)
            return "paused";
        return v.State switch
        {
            HsmState.Stopped or HsmState.StartPending => "stopped",
            HsmState.Suspended => "halted",
            _ => v.Halted ? "halted" : "running",
        };
    }

    private JsonObject Pause()
    {
        lock (runStateGate)
        {
            foreach (var v in vm.Vcpus)
                v.Pause();
            WaitUntilPaused();
            int paused = vm.Vcpus.Count(v => v.Paused);
            return new JsonObject { ["ok"] = true, ["state"] = "paused", ["vcpus_paused"] = paused };
        }
    }

    private void WaitUntilPaused()
    {
        var deadline = DateTime.UtcNow + PauseWait;
        while (!vm.AllVcpusPaused && !vm.Exiting && DateTime.UtcNow < deadline)
            Thread.Sleep(5);
    }

    private JsonObject Resume()
    {
        lock (runStateGate)
        {
            foreach (var v in vm.Vcpus)
                v.Resume();
            return new JsonObject { ["ok"] = true, ["state"] = "running" };
        }
    }

    private JsonObject Stop()
    {
        lock (runStateGate)
        {
            vm.RequestExit(new VmExit(VmExitKind.PowerOff, 0, null));
            Resume();
            return new JsonObject { ["ok"] = true, ["state"] = "stopping" };
        }
    }

    private JsonObject Reboot()
    {
        lock (runStateGate)
        {
            vm.RequestExit(new VmExit(VmExitKind.Reset, 0, null));
            Resume();
            return new JsonObject { ["ok"] = true, ["state"] = "rebooting" };
        }
    }

    /// <summary>Writes a snapshot of the paused VM to "file" (an absolute path); the VM stays paused.</summary>
    private JsonObject Snapshot(ControlRequest request)
    {
        string file = request.GetString("file") ?? throw new ControlException("missing \"file\" (the absolute path to write the snapshot to)");
        if (!Path.IsPathFullyQualified(file))
            throw new ControlException($"\"file\": '{file}' is not an absolute path (the VM's working directory is not the client's)");
        lock (runStateGate)
        {
            if (!Paused)
                throw new ControlException("the VM is running: pause the VM first (sharpvirt control NAME pause)");
            WaitUntilPaused();
            if (!vm.AllVcpusPaused)
                throw new ControlException($"only {vm.Vcpus.Count(v => v.Paused)} of {vm.Vcpus.Count} vCPUs have stopped yet; try again");
            SnapshotSummary summary;
            try
            {
                summary = vm.SaveSnapshot(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                throw new ControlException($"cannot write the snapshot to '{file}': {e.Message}");
            }
            return new JsonObject
            {
                ["ok"] = true,
                ["state"] = "paused",
                ["file"] = summary.Path,
                ["bytes"] = summary.FileBytes,
                ["saved_pages"] = summary.SavedPages,
                ["ram_pages"] = summary.RamPages,
                ["seconds"] = Math.Round(summary.Elapsed.TotalSeconds, 3),
            };
        }
    }

    /// <summary>Sets (<c>percent</c>: 1 and up, or 0 for no limit) or reports the VM's CPU share.</summary>
    private JsonObject CpuShare(ControlRequest request)
    {
        if (request.Has("percent"))
        {
            int percent = request.GetInt("percent", 0);
            if (percent < 0 || percent > CpuQuota.MaxPercent)
                throw new ControlException($"\"percent\" must be 0 (no limit) to {CpuQuota.MaxPercent}");
            vm.Quota.Percent = percent == 0 ? null : percent;
        }
        var reply = CpuShareState();
        reply["ok"] = true;
        return reply;
    }

    private JsonObject CpuShareState() => new() { ["percent"] = vm.Quota.Percent, ["throttles"] = vm.Quota.Throttles };

    private JsonObject Balloon(ControlRequest request)
    {
        var balloon = vm.Virtio.Balloon ?? throw new ControlException("this VM has no balloon device (run it with --balloon)");
        string? target = request.GetString("target");
        if (target is not null)
        {
            if (!SizeText.TryParse(target, out ulong bytes, out string? error, defaultShift: 0))
                throw new ControlException($"\"target\": {error}");
            if (bytes > vm.Memory.TotalSize)
                throw new ControlException($"\"target\": {target} is more than the guest's RAM ({vm.Memory.TotalSize} bytes)");
            balloon.SetTargetPages((uint)(bytes / VirtioBalloon.PageSize));
        }
        var reply = BalloonState(balloon);
        reply["ok"] = true;
        return reply;
    }

    private static JsonObject BalloonState(VirtioBalloon b) => new()
    {
        ["target_bytes"] = b.TargetBytes,
        ["actual_pages"] = b.ActualPages,
        ["actual_bytes"] = (ulong)b.ActualPages * VirtioBalloon.PageSize,
    };

    public static string Hex(ulong value) => $"0x{value:x}";
}
