namespace Nines.Tests.Workflows.Durability;

/// <summary>One <c>POST /pay</c> the fake payment service received; <see cref="Applied"/> is false for a repeated key.</summary>
internal sealed record PaymentRequest(string Key, string RunId, decimal Amount, bool Applied, string Receipt);
