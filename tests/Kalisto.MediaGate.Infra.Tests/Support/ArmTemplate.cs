using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Kalisto.MediaGate.Infra.Tests.Support;

/// <summary>
/// One ARM template (the root, or the inline template of a module deployment) with the look-ups the
/// tests need: resources by type, modules by name, and string variables resolved in expressions.
/// </summary>
public sealed partial class ArmTemplate(JsonObject root, JsonObject? moduleParameters = null)
{
    public JsonObject Root { get; } = root;

    public IEnumerable<JsonObject> Resources => Root["resources"] switch
    {
        JsonArray array => array.Select(node => node!.AsObject()),
        JsonObject symbolic => symbolic.Select(pair => pair.Value!.AsObject()),
        _ => [],
    };

    public JsonObject Variables => Root["variables"]?.AsObject() ?? [];

    public JsonObject Outputs => Root["outputs"]?.AsObject() ?? [];

    /// <summary>The resources of a type, in this template only.</summary>
    public IReadOnlyList<JsonObject> OfType(string type) =>
        [.. Resources.Where(resource => string.Equals(Str(resource, "type"), type, StringComparison.OrdinalIgnoreCase))];

    /// <summary>The single resource of a type, in this template only.</summary>
    public JsonObject Single(string type)
    {
        var matches = OfType(type);
        Assert.True(matches.Count == 1, $"Expected one {type}, found {matches.Count}.");
        return matches[0];
    }

    /// <summary>The module deployment <paramref name="name"/> (a Microsoft.Resources/deployments resource).</summary>
    public JsonObject ModuleDeployment(string name) =>
        OfType("Microsoft.Resources/deployments").SingleOrDefault(resource => Str(resource, "name") == name)
        ?? throw new InvalidOperationException($"No module deployment named '{name}'.");

    /// <summary>
    /// How expressions of this template refer to module deployment <paramref name="name"/>: its symbolic
    /// name where resources have one (language version 2.0), else its name.
    /// </summary>
    public string ModuleSymbol(string name) => Root["resources"] is JsonObject symbolic
        ? symbolic.Single(pair => pair.Value is JsonObject resource
            && Str(resource, "type") == "Microsoft.Resources/deployments" && Str(resource, "name") == name).Key
        : name;

    /// <summary>Whether <paramref name="resource"/> of this template waits for module deployment <paramref name="module"/>.</summary>
    public bool DependsOnModule(JsonObject resource, string module) => Strings(resource["dependsOn"]).Any(dependency =>
        dependency == ModuleSymbol(module)
        || dependency.EndsWith($"'Microsoft.Resources/deployments', '{module}')]", StringComparison.Ordinal));

    /// <summary>Whether <paramref name="expression"/> is exactly output <paramref name="output"/> of module <paramref name="module"/>.</summary>
    public bool ReadsModuleOutput(string? expression, string module, string output) => Root["resources"] is JsonObject
        ? expression == $"[reference('{ModuleSymbol(module)}').outputs.{output}.value]"
        : expression is not null
            && expression.StartsWith("[reference(extensionResourceId(", StringComparison.Ordinal)
            && expression.EndsWith($"'Microsoft.Resources/deployments', '{module}'), '2025-04-01').outputs.{output}.value]", StringComparison.Ordinal);

    /// <summary>The inline template of module <paramref name="name"/>.</summary>
    public ArmTemplate Module(string name)
    {
        var deployment = ModuleDeployment(name);
        return new ArmTemplate(
            deployment["properties"]!["template"]!.AsObject(),
            deployment["properties"]!["parameters"]?.AsObject());
    }

    /// <summary>The expression or value the parent template passes for a module parameter.</summary>
    public string PassedParameter(string name) =>
        moduleParameters?[name]?["value"]?.ToString()
        ?? throw new InvalidOperationException($"The module gets no value for parameter '{name}'.");

    /// <summary>
    /// The parent's entry for a module parameter as written: <c>{"value": ...}</c>, or one expression
    /// that makes that object (as Bicep writes a parameter whose value may be a <c>fail()</c>).
    /// </summary>
    public string PassedParameterEntry(string name) => moduleParameters?[name] switch
    {
        JsonValue expression when expression.TryGetValue(out string? text) => text,
        JsonNode entry => entry.ToJsonString(),
        null => throw new InvalidOperationException($"The module gets no value for parameter '{name}'."),
    };

    /// <summary>The default value of a parameter of this template.</summary>
    public JsonNode? ParameterDefault(string name) =>
        (Root["parameters"]?[name] ?? throw new InvalidOperationException($"The template has no parameter '{name}'."))["defaultValue"];

    /// <summary>The user-defined function <paramref name="name"/> (namespace <c>__bicep</c>) of this template.</summary>
    public JsonObject Function(string name) =>
        (Root["functions"]?.AsArray() ?? [])
            .Select(ns => ns!["members"]?[name])
            .OfType<JsonObject>()
            .SingleOrDefault()
        ?? throw new InvalidOperationException($"The template has no function '{name}'.");

    /// <summary>
    /// An expression with every <c>variables('x')</c> of a string variable replaced by its quoted
    /// value, so role definition GUIDs and the like can be compared.
    /// </summary>
    public string Resolve(string expression) => VariableReference().Replace(expression, match =>
        Variables[match.Groups["name"].Value] is JsonValue value && value.TryGetValue(out string? text) && !text.StartsWith('[')
            ? $"'{text}'"
            : match.Value);

    /// <summary>The string at a property path (<c>properties.runtime.name</c>) of a resource.</summary>
    public static string? Str(JsonNode node, string path)
    {
        JsonNode? current = node;
        foreach (var part in path.Split('.'))
        {
            current = current?[part];
        }

        return current?.ToString();
    }

    /// <summary>Every element of an array property, as strings.</summary>
    public static IReadOnlyList<string> Strings(JsonNode? array) =>
        [.. (array?.AsArray() ?? []).Select(node => node!.ToString())];

    [GeneratedRegex(@"variables\('(?<name>[A-Za-z0-9_]+)'\)")]
    private static partial Regex VariableReference();
}
