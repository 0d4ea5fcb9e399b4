using System.Text.Json.Nodes;
using SharpVirt.Cpu;
using SharpVirt.Memory;

namespace SharpVirt.Machine.Control;

/// <summary>The memory-virtualization operations: translate, memmap and read (docs/API.md).</summary>
public sealed partial class ControlOps
{
    /// <summary>The most bytes one <c>read</c> returns.</summary>
    public const int MaxRead = 4096;

    /// <summary>
    /// Guest-virtual to guest-physical through a hart's page tables (or, with <c>physical</c>, from a
    /// guest-physical address), then to the memory slot, the host-virtual address and the host frame.
    /// </summary>
    private JsonObject Translate(ControlRequest request)
    {
        ulong address = request.GetAddress("address");
        if (request.GetBool("physical", false))
        {
            var physical = new JsonObject { ["address"] = Hex(address), ["translation"] = "Physical" };
            DescribePhysical(physical, address);
            return physical;
        }
        int hartId = request.GetInt("hart", 0);
        var vcpu = vm.Vcpus.FirstOrDefault(v => v.Id == hartId)
            ?? throw new ControlException($"\"hart\": no hart {hartId} (this VM has {vm.Vcpus.Count})");
        var trace = vcpu.Hart.InspectTranslation(address);
        var levels = new JsonArray();
        foreach (var step in trace.Steps)
        {
            levels.Add(new JsonObject
            {
                ["level"] = step.Level,
                ["pte_address"] = Hex(step.PteAddress),
                ["pte"] = Hex(step.Pte),
                ["flags"] = step.Flags,
                ["leaf"] = step.Leaf,
                ["next"] = Hex(step.Target),
            });
        }
        var reply = new JsonObject
        {
            ["hart"] = hartId,
            ["address"] = Hex(address),
            ["hart_mode"] = vcpu.Hart.Mode.ToString(),
            ["satp"] = Hex(trace.Satp),
            ["translation"] = trace.ModeName,
            ["levels"] = levels,
        };
        if (vcpu.Hart.Mode == PrivilegeMode.Machine && trace.Steps.Count > 0)
            reply["note"] = "the hart is in M-mode, which does not translate its own accesses; this is the walk S/U-mode would do";
        if (trace.Fault is not null)
        {
            reply["fault"] = trace.Fault;
            return reply;
        }
        DescribePhysical(reply, trace.PhysicalAddress!.Value);
        if (trace.PageSize != 0)
            reply["page_size"] = trace.PageSize;
        return reply;
    }

    /// <summary>The second stage: guest-physical to slot, host-virtual and host-physical (or the MMIO device).</summary>
    private unsafe void DescribePhysical(JsonObject reply, ulong gpa)
    {
        reply["guest_physical"] = Hex(gpa);
        var slot = vm.Memory.FindSlot(gpa);
        if (slot is null)
        {
            reply["slot"] = null;
            var region = vm.Bus.Regions.FirstOrDefault(r => gpa >= r.Base && gpa - r.Base < r.Size);
            if (region.Name is not null)
                reply["mmio"] = region.Name;
            return;
        }
        reply["slot"] = new JsonObject
        {
            ["id"] = slot.Id,
            ["guest_base"] = Hex(slot.GuestBase),
            ["size"] = slot.Size,
        };
        ulong hva = (ulong)slot.Host + (gpa - slot.GuestBase);
        reply["host_virtual"] = Hex(hva);
        reply["host"] = HostPageState(hva);
    }

    /// <summary>
    /// The host's view of one page of guest RAM: <c>backed</c> (the host has given it a frame),
    /// <c>not yet backed</c> (never touched, or given back), or <c>swapped</c>; the frame when the host tells it.
    /// </summary>
    private static JsonObject HostPageState(ulong hva)
    {
        var page = HostPageMap.Query(hva);
        var o = new JsonObject();
        if (page is not HostPage p)
        {
            o["state"] = "unknown";
            o["note"] = "/proc/self/pagemap is not readable here";
            return o;
        }
        o["state"] = p.Present ? "backed" : p.Swapped ? "swapped" : "not yet backed";
        if (p.PhysicalAddress(hva) is ulong hpa)
        {
            o["host_physical"] = Hex(hpa);
            o["frame"] = Hex(p.Frame!.Value);
        }
        else if (p.Present)
        {
            o["note"] = "the host hides frame numbers from processes without CAP_SYS_ADMIN (run as root to see them)";
        }
        return o;
    }

    /// <summary>The guest-physical address space: RAM slots with their host mapping and backed pages, and the MMIO regions.</summary>
    private unsafe JsonObject MemoryMap()
    {
        var slots = new JsonArray();
        foreach (var slot in vm.Memory.Slots)
        {
            ulong pages = slot.Size / 4096, resident = slot.ResidentPages;
            slots.Add(new JsonObject
            {
                ["id"] = slot.Id,
                ["guest_base"] = Hex(slot.GuestBase),
                ["guest_end"] = Hex(slot.GuestEnd - 1),
                ["size"] = slot.Size,
                ["host_virtual"] = Hex((ulong)slot.Host),
                ["read_only"] = slot.ReadOnly,
                ["pages"] = pages,
                ["backed_pages"] = resident,
                ["backed_bytes"] = resident * 4096,
            });
        }
        var mmio = new JsonArray();
        foreach (var (baseAddress, size, device) in vm.Bus.Regions.OrderBy(r => r.Base))
            mmio.Add(new JsonObject { ["device"] = device, ["guest_base"] = Hex(baseAddress), ["size"] = size });
        return new JsonObject { ["slots"] = slots, ["mmio"] = mmio, ["host_rss"] = HostStats.ResidentBytes() };
    }

    /// <summary>Reads guest-physical RAM (never MMIO: a read must not disturb a device).</summary>
    private JsonObject ReadMemory(ControlRequest request)
    {
        ulong gpa = request.GetAddress("address");
        int length = request.GetInt("length", 64);
        if (length < 1 || length > MaxRead)
            throw new ControlException($"\"length\" must be 1 to {MaxRead}");
        var data = new byte[length];
        if (!vm.Memory.TryRead(gpa, data))
            throw new ControlException($"guest-physical {Hex(gpa)}..+{length} is not all RAM");
        return new JsonObject { ["address"] = Hex(gpa), ["length"] = length, ["data"] = Convert.ToHexStringLower(data) };
    }
}
