using CookieSession.Formats.Connect;
using CookieSession.Formats.Express;
using CookieSession.Formats.Flask;
using CookieSession.Formats.Iron;
using CookieSession.Formats.Protected;

namespace CookieSession.Formats;

/// <summary>The descriptor of every format: the one list that names them all.</summary>
internal static class FormatDescriptors
{
    /// <summary>Every format, in no particular order.</summary>
    public static IReadOnlyList<FormatDescriptor> All { get; } =
    [
        ConnectFormat.Descriptor,
        ExpressFormat.Descriptor,
        ProtectedFormat.Descriptor,
        IronFormat.Descriptor,
        FlaskFormat.Descriptor,
    ];

    private static readonly Dictionary<CookieSessionFormat, FormatDescriptor> ByFormat = All.ToDictionary(d => d.Format);

    /// <summary>The descriptor of <paramref name="format"/>, or <see langword="null"/> for a value no format has.</summary>
    public static FormatDescriptor? Of(CookieSessionFormat format) => ByFormat.GetValueOrDefault(format);
}
