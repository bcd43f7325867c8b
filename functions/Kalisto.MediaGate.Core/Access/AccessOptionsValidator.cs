using Microsoft.Extensions.Options;

namespace Kalisto.MediaGate.Access;

/// <summary>
/// Checks <see cref="AccessOptions"/> at start: every grant has exactly one of group and app role, a known role
/// and school codes (or <c>*</c>). Each error names the grant by its configuration key.
/// </summary>
public sealed class AccessOptionsValidator : IValidateOptions<AccessOptions>
{
    public ValidateOptionsResult Validate(string? name, AccessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        for (var i = 0; i < options.Grants.Count; i++)
        {
            var key = $"{AccessOptions.Section}:Grants:{i}";
            if (options.Grants[i] is not { } grant)
            {
                errors.Add($"{key}: is empty");
                continue;
            }

            _ = grant.Read(message => errors.Add($"{key}: {message}"));
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
