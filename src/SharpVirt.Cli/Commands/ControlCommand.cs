using System.CommandLine;
using System.Text.Json.Nodes;
using SharpVirt.Machine.Control;

namespace SharpVirt.Cli.Commands;

/// <summary>`sharpvirt control NAME OP [ARGS]`: send one request to a VM's control socket and print the JSON reply.</summary>
public static class ControlCommand
{
    /// <summary>The argument a bare value (without KEY=) stands for, per op.</summary>
    private static readonly Dictionary<string, string> PrimaryArgument = new(StringComparer.Ordinal)
    {
        ["balloon"] = "target",
        ["translate"] = "address",
        ["read"] = "address",
        ["cpu_share"] = "percent",
        ["snapshot"] = "file",
    };

    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "VM name (from --name, or vm-PID), or a socket path" };
        var op = new Argument<string>("op") { Description = $"Operation: {string.Join(", ", ControlOps.Operations)}" };
        var args = new Argument<string[]>("args") { Description = "KEY=VALUE arguments, e.g. target=512M; a bare value is the op's main argument", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("control", "Send a control request to a running VM and print the JSON reply") { name, op, args };
        command.SetAction(parse =>
        {
            try
            {
                var request = BuildRequest(parse.GetValue(op)!, parse.GetValue(args) ?? []);
                string reply = ControlClient.SendRaw(ControlPaths.Resolve(parse.GetValue(name)!), request.ToJsonString());
                System.Console.WriteLine(reply);
                return JsonNode.Parse(reply)?["error"] is null ? 0 : 1;
            }
            catch (ControlException e)
            {
                return RunCommand.Fail(e.Message);
            }
        });
        return command;
    }

    /// <summary>{"op":OP} plus each KEY=VALUE (integers stay numbers, the rest are strings).</summary>
    internal static JsonObject BuildRequest(string op, IEnumerable<string> args)
    {
        var request = new JsonObject { ["op"] = op };
        foreach (string arg in args)
        {
            int eq = arg.IndexOf('=', StringComparison.Ordinal);
            string key, value;
            if (eq > 0)
            {
                key = arg[..eq];
                value = arg[(eq + 1)..];
            }
            else if (PrimaryArgument.TryGetValue(op, out string? primary))
            {
                key = primary;
                value = arg;
            }
            else
            {
                throw new ControlException($"'{arg}': arguments are KEY=VALUE");
            }
            request[key] = long.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out long n) ? n : value;
        }
        return request;
    }
}
