namespace Nines.Tools;

/// <summary>What a tool can do, in the terms of the Agents Rule of Two (Meta, 2025).</summary>
/// <remarks>A session may combine at most two of the three; see <see cref="ToolSession"/>.</remarks>
[Flags]
public enum ToolCapabilities
{
    /// <summary>None of the three.</summary>
    None = 0,

    /// <summary>[A] The tool's output may carry content an attacker controls (web pages, e-mail, files, issues).</summary>
    UntrustedInput = 1,

    /// <summary>[B] The tool touches sensitive data or systems (private files, credentials, customer records).</summary>
    SensitiveData = 2,

    /// <summary>[C] The tool changes state or communicates externally (writes, payments, e-mail, HTTP requests).</summary>
    ExternalEffect = 4,
}
