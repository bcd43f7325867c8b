using Kalisto.MediaGate.Decisions;

namespace Kalisto.MediaGate.Imaging.Stripping;

/// <summary>A structure the stripper cannot rewrite safely; becomes a failed <c>PublishResult</c>.</summary>
internal sealed class StrippingException : Exception
{
    public StrippingException()
        : this("the file could not be stripped")
    {
    }

    public StrippingException(string message)
        : base(message) => Code = ReasonCode.Unreadable;

    public StrippingException(string message, Exception innerException)
        : base(message, innerException) => Code = ReasonCode.Unreadable;

    private StrippingException(string code, string message, Exception? innerException)
        : base(message, innerException) => Code = code;

    /// <summary>The reason code of SPEC §5 the failure maps to.</summary>
    public string Code { get; }

    public static StrippingException Unreadable(string message) => new(ReasonCode.Unreadable, message, null);

    public static StrippingException Unsupported(string message) => new(ReasonCode.UnsupportedType, message, null);

    public static StrippingException TooLarge(string message) => new(ReasonCode.TooLarge, message, null);
}
