namespace Nines.CrashHost;

/// <summary>The input of a crash-order run.</summary>
internal sealed record OrderInput(string OrderId, decimal Amount);
