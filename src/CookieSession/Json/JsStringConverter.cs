using System.Text.Json;
using System.Text.Json.Serialization;

namespace CookieSession.Json;

/// <summary>
/// <see cref="string"/> for <see cref="JsonSerializer"/> as JavaScript's JSON has it: a lone surrogate (<c>\ud83d</c>)
/// is read as that code unit instead of failing, and written as that escape instead of as U+FFFD.
/// Well-formed strings go the built-in way.
/// </summary>
/// <remarks>
/// Dictionary keys are not for a converter to read: the serializer reads every key with
/// <see cref="Utf8JsonReader.GetString"/> first, so a key with a lone surrogate still fails, and
/// <see cref="Utf8JsonWriter"/> writes one as U+FFFD. Session keys and <see cref="System.Text.Json.Nodes.JsonObject"/>
/// keys are not affected.
/// </remarks>
internal sealed class JsStringConverter : JsonConverter<string>
{
    public static readonly JsStringConverter Instance = new();

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        => reader.TokenType == JsonTokenType.String && reader.ValueIsEscaped && !reader.HasValueSequence
            ? JsString.GetString(ref reader)
            : reader.GetString();

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        if (!JsString.HasLoneSurrogate(value))
        {
            writer.WriteStringValue(value);
            return;
        }

        // Utf8JsonWriter would write U+FFFD: write the token JSON.stringify writes.
        var buffer = new PooledByteBuffer(value.Length + 16);
        try
        {
            JsJsonWriter.WriteString(value, ref buffer);
            writer.WriteRawValue(buffer.WrittenSpan);
        }
        finally
        {
            buffer.Dispose();
        }
    }
}
