namespace SharpVirt.Machine.Control;

/// <summary>A bad control request (malformed JSON, unknown op, bad argument) or a failed control connection.</summary>
public sealed class ControlException(string message, Exception? inner = null) : Exception(message, inner);
