namespace Nines.Tools;

/// <summary>What a guarded tool returns to the model instead of running: a structured refusal, not an exception.</summary>
/// <param name="Tool">The tool's name.</param>
/// <param name="Refused">Always <see langword="true"/>, so the model can tell a refusal from a result.</param>
/// <param name="Reason">Why the call was refused, in words the model can act on.</param>
/// <remarks>Returning a value keeps the tool loop alive: the model can correct its arguments or choose another course.</remarks>
public sealed record ToolRefusal(string Tool, bool Refused, string Reason);
