namespace Nines.Contracts;

/// <summary>Defaults and shared names for the contracts layer.</summary>
internal static class ContractsConstants
{
    public const int DefaultMaxAttempts = 3;

    public const string LayerName = "contracts";

    public const string MeterName = "Nines.Contracts";

    /// <summary>
    /// Key that <c>AskAsync&lt;T&gt;</c> puts in <see cref="Microsoft.Extensions.AI.ChatOptions.AdditionalProperties"/> when the
    /// pipeline holds a <see cref="ContractsChatClient"/>, so that middleware stands aside instead of running a second
    /// re-ask loop. The middleware removes the key before calling inward, so it never reaches a provider.
    /// </summary>
    public const string HandledMarkerKey = "nines.contracts.handled";

    /// <summary>Property name used to wrap a non-object schema, because providers require an object at the root.</summary>
    public const string WrapperPropertyName = "data";

    public const int MaxCachedSchemas = 256;

    public static readonly string[] DefaultRefusalPhrases =
    [
        "i'm sorry, but i can't",
        "i'm sorry, but i cannot",
        "i'm sorry, i can't",
        "i'm sorry, i cannot",
        "i am sorry, but i cannot",
        "i cannot help with",
        "i can't help with",
        "i cannot assist with",
        "i can't assist with",
        "i'm unable to help",
        "i am unable to help",
        "i'm not able to help",
        "i won't be able to help",
        "i must decline",
    ];
}
