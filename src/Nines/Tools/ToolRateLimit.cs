namespace Nines.Tools;

/// <summary>At most <see cref="PermitLimit"/> calls to a tool in any sliding <see cref="Window"/>, across all sessions of a guard.</summary>
/// <param name="PermitLimit">The number of calls allowed in the window; must be positive.</param>
/// <param name="Window">The window's length; must be positive.</param>
/// <remarks>Only calls that pass every other check count. The clock is the guard's <see cref="TimeProvider"/>.</remarks>
public sealed record ToolRateLimit(int PermitLimit, TimeSpan Window);
