using System.Text.Json;
using Microsoft.Extensions.AI;
using Nines.Models;

namespace Nines.Contracts;

/// <summary>
/// What a model's reply must satisfy to become a <typeparamref name="T"/>: the JSON schema generated from
/// <typeparamref name="T"/>, its DataAnnotations, and the semantic rules added with <see cref="Require"/>.
/// </summary>
/// <typeparam name="T">The type the reply must deserialise to.</typeparam>
/// <remarks>
/// A contract is cheap to create; the schema is generated and compiled once per type and serializer options and cached
/// for the life of the process. Configure a contract before sharing it; after that, <see cref="Check(ChatResponse)"/> is
/// safe to call from several threads at once.
/// </remarks>
public sealed class Contract<T>
{
    private readonly List<(Func<T, bool> Predicate, string Message)> _rules = [];
    private JsonSerializerOptions _serializerOptions = AIJsonUtilities.DefaultOptions;
    private int _maxAttempts = ContractsConstants.DefaultMaxAttempts;
    private string _schemaName = typeof(T).Name;
    private string? _schemaDescription;
    private ChatResponseFormatJson? _responseFormat;

    /// <summary>Gets or sets the most replies to ask for (the first plus re-asks) before giving up.</summary>
    /// <value>The default value is 3. Must be at least 1.</value>
    public int MaxAttempts
    {
        get => _maxAttempts;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxAttempts = value;
        }
    }

    /// <summary>Gets or sets extra instructions added to <see cref="ChatOptions.Instructions"/> on every attempt.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Instructions { get; set; }

    /// <summary>Gets or sets the schema name sent with the response format.</summary>
    /// <value>The default value is the name of <typeparamref name="T"/>.</value>
    public string SchemaName
    {
        get => _schemaName;
        set
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value);
            _schemaName = value;
            _responseFormat = null;
        }
    }

    /// <summary>Gets or sets the schema description sent with the response format.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? SchemaDescription
    {
        get => _schemaDescription;
        set
        {
            _schemaDescription = value;
            _responseFormat = null;
        }
    }

    /// <summary>Gets or sets the serializer options used to generate the schema and to deserialise replies.</summary>
    /// <value>The default value is <see cref="AIJsonUtilities.DefaultOptions"/> (camelCase names).</value>
    public JsonSerializerOptions SerializerOptions
    {
        get => _serializerOptions;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _serializerOptions = value;
            _responseFormat = null;
        }
    }

    /// <summary>Gets the number of semantic rules added with <see cref="Require"/>.</summary>
    public int RuleCount => _rules.Count;

    /// <summary>Gets the JSON schema the reply must satisfy (sent to the model as the response format).</summary>
    public JsonElement Schema => CompiledSchema.Schema;

    /// <summary>Gets the response format that asks the model for <see cref="Schema"/>.</summary>
    public ChatResponseFormatJson ResponseFormat =>
        _responseFormat ??= ChatResponseFormat.ForJsonSchema(Schema, SchemaName, SchemaDescription);

    internal ContractSchema CompiledSchema => ContractSchema.For(typeof(T), _serializerOptions);

    /// <summary>Adds a semantic rule that a schema-valid value must also satisfy.</summary>
    /// <param name="predicate">Returns <see langword="true"/> when the value is acceptable.</param>
    /// <param name="message">What the rule requires, in words the model can act on (sent back to it on failure).</param>
    /// <returns>This contract, for chaining.</returns>
    public Contract<T> Require(Func<T, bool> predicate, string message)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        ArgumentException.ThrowIfNullOrWhiteSpace(message);
        _rules.Add((predicate, message));
        return this;
    }

    /// <summary>Classifies one reply against this contract without re-asking.</summary>
    /// <param name="response">The model's reply.</param>
    /// <returns>The verdict, with the typed value when the reply is valid.</returns>
    public ContractCheck<T> Check(ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return CheckCore(response, response.Text ?? string.Empty);
    }

    /// <summary>Classifies one reply's text against this contract without re-asking (no finish reason is known).</summary>
    /// <param name="replyText">The text the model sent.</param>
    /// <returns>The verdict, with the typed value when the reply is valid.</returns>
    public ContractCheck<T> Check(string replyText)
    {
        ArgumentNullException.ThrowIfNull(replyText);
        return CheckCore(null, replyText);
    }

    private ContractCheck<T> CheckCore(ChatResponse? response, string text)
    {
        string? error;
        FailureCategory category;
        if (response is not null)
        {
            category = ReplyInspector.CheckEnvelope(response, text, expectJson: true, ContractsConstants.DefaultRefusalPhrases, out error);
        }
        else if (string.IsNullOrWhiteSpace(text))
        {
            category = FailureCategory.EmptyOutput;
            error = "The reply was empty.";
        }
        else
        {
            category = FailureCategory.None;
            error = null;
        }

        if (category != FailureCategory.None)
        {
            return Fail(category, [error!]);
        }

        var json = ReplyInspector.StripFences(text, out var repaired);
        var repairs = repaired ? 1 : 0;
        using var document = ReplyInspector.TryParse(json, text, ContractsConstants.DefaultRefusalPhrases, out category, out error);
        if (document is null)
        {
            return Fail(category, [error!], repairs);
        }

        var schema = CompiledSchema;
        var errors = new List<string>();
        ReplyInspector.Validate(schema.Compiled, document.RootElement, errors);
        if (errors.Count > 0)
        {
            return Fail(FailureCategory.SchemaViolation, errors, repairs);
        }

        var element = schema.Wrapped ? document.RootElement.GetProperty(ContractsConstants.WrapperPropertyName) : document.RootElement;
        T? value;
        try
        {
            value = element.Deserialize<T>(_serializerOptions);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or FormatException)
        {
            return Fail(FailureCategory.SchemaViolation, [$"$: the JSON does not convert to {typeof(T).Name}: {ex.Message}"], repairs);
        }

        if (value is null)
        {
            return Fail(FailureCategory.SchemaViolation, [$"$: the reply was null; a {typeof(T).Name} is required."], repairs);
        }

        AnnotationsValidator.Validate(value, _serializerOptions, errors);
        if (errors.Count > 0)
        {
            return Fail(FailureCategory.SchemaViolation, errors, repairs);
        }

        foreach (var (predicate, message) in _rules)
        {
            try
            {
                if (!predicate(value))
                {
                    errors.Add(message);
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                errors.Add($"{message} (the rule threw {ex.GetType().Name}: {ex.Message})");
            }
        }

        if (errors.Count > 0)
        {
            return Fail(FailureCategory.RuleViolation, errors, repairs);
        }

        return new ContractCheck<T>(response, text, FailureCategory.None, [], value, repairs);

        ContractCheck<T> Fail(FailureCategory failure, IReadOnlyList<string> problems, int repairCount = 0) =>
            new(response, text, failure, problems, default, repairCount);
    }
}
