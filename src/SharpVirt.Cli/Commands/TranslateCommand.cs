using System.CommandLine;
using System.Text.Json.Nodes;
using SharpVirt.Machine.Control;

namespace SharpVirt.Cli.Commands;

/// <summary>
/// `sharpvirt translate NAME ADDR [--hart N] [--physical]`: walk a guest-virtual address through a hart's page
/// tables, then through the memory slots to host-virtual and (as root) host-physical.
/// </summary>
public static class TranslateCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "VM name, or a socket path" };
        var address = new Argument<string>("address") { Description = "Guest-virtual address, e.g. 0xffffffff80000000" };
        var hart = new Option<int>("--hart") { Description = "Hart whose satp to use", DefaultValueFactory = _ => 0 };
        var physical = new Option<bool>("--physical") { Description = "ADDR is guest-physical: skip the guest page tables" };
        var command = new Command("translate", "Translate a guest-virtual address: page-table levels, guest-physical, memory slot, host-virtual, host-physical")
        {
            name, address, hart, physical,
        };
        command.SetAction(parse =>
        {
            try
            {
                var request = new JsonObject { ["op"] = "translate", ["address"] = parse.GetValue(address), ["hart"] = parse.GetValue(hart) };
                if (parse.GetValue(physical))
                    request["physical"] = true;
                var reply = ControlClient.Send(ControlPaths.Resolve(parse.GetValue(name)!), request);
                if (reply["error"] is JsonNode error)
                    return RunCommand.Fail(error.ToString());
                foreach (string line in Describe(reply))
                    System.Console.WriteLine(line);
                return reply["fault"] is null ? 0 : 1;
            }
            catch (ControlException e)
            {
                return RunCommand.Fail(e.Message);
            }
        });
        return command;
    }

    /// <summary>The reply of a translate request as text, one step a line.</summary>
    internal static IEnumerable<string> Describe(JsonObject reply)
    {
        if (reply["hart"] is not null)
        {
            yield return $"hart {reply["hart"]} ({reply["hart_mode"]} mode), satp {reply["satp"]}: {reply["translation"]}";
            yield return $"virtual address {reply["address"]}";
        }
        if (reply["note"] is JsonNode note)
            yield return $"note: {note}";
        if (reply["levels"] is JsonArray levels)
        {
            foreach (var step in levels)
            {
                bool leaf = step?["leaf"]?.GetValue<bool>() == true;
                string what = leaf ? $"leaf -> page {step?["next"]}" : $"-> table {step?["next"]}";
                if (step?["flags"]?.ToString() is string f && f.EndsWith('-'))
                    what = "invalid";
                yield return $"  level {step?["level"]}: PTE at {step?["pte_address"]} = {step?["pte"]} [{step?["flags"]}] {what}";
            }
        }
        if (reply["fault"] is JsonNode fault)
        {
            yield return $"fault: {fault}";
            yield break;
        }
        string size = reply["page_size"] is JsonNode ps ? $" ({PsCommand.FormatSize(ps.GetValue<long>())} page)" : "";
        yield return $"guest-physical {reply["guest_physical"]}{size}";
        if (reply["slot"] is JsonObject slot)
        {
            yield return $"memory slot {slot["id"]}: guest {slot["guest_base"]}, {PsCommand.FormatSize(slot["size"]!.GetValue<long>())}";
            yield return $"host-virtual {reply["host_virtual"]}";
            if (reply["host"] is JsonObject host)
            {
                string frame = host["host_physical"] is JsonNode hpa ? $": host-physical {hpa} (frame {host["frame"]})" : "";
                yield return $"host page {host["state"]}{frame}";
                if (host["note"] is JsonNode hostNote)
                    yield return $"  ({hostNote})";
            }
        }
        else
        {
            yield return reply["mmio"] is JsonNode mmio ? $"not RAM: MMIO region {mmio}" : "not RAM and not a device: an access would fault";
        }
    }
}
