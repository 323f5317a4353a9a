namespace Nines.CrashHost;

/// <summary>The fake payment service's answer to <c>POST /pay</c>.</summary>
internal sealed record PaymentReceipt(string Receipt, bool Applied);
