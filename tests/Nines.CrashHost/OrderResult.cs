namespace Nines.CrashHost;

/// <summary>The output of a crash-order run.</summary>
internal sealed record OrderResult(string OrderId, decimal Amount, string Receipt, int SummaryLength, string ConfirmedBy);
