namespace SharpVirt.Machine.Guest;

/// <summary>
/// What a kernel module's .modinfo section says about loading it: its name, the modules it
/// needs first (depends=), soft pre-dependencies (softdep=pre: ...) and the aliases it answers to.
/// </summary>
public sealed record KernelModuleInfo(
    string Name,
    IReadOnlyList<string> Depends,
    IReadOnlyList<string> SoftPre,
    IReadOnlyList<string> Aliases,
    string? VerMagic);
