using System.Text;
using System.Text.Json;
using CookieSession.Json;

namespace CookieSession.Tests.Json;

/// <summary>
/// JSON string tokens decoded as JSON.parse decodes them. Expected strings are given as their UTF-16 code units,
/// because test-case serialization would replace lone surrogates; they are what Node 20 gives for
/// <c>[...JSON.parse(token)].map(c =&gt; c.charCodeAt(0).toString(16))</c>.
/// </summary>
public sealed class JsStringTests
{
    [Theory]
    [InlineData("\"plain\"", "0070 006c 0061 0069 006e")]
    [InlineData("\"\"", "")]
    [InlineData("\"\\\"\\\\\\/\"", "0022 005c 002f")]
    [InlineData("\"\\b\\f\\n\\r\\t\"", "0008 000c 000a 000d 0009")]
    [InlineData("\"\\u0000\\u001f\\u0041\"", "0000 001f 0041")]
    [InlineData("\"\\u00e9\\u00E9\\u20AC\"", "00e9 00e9 20ac")]
    [InlineData("\"é€😀\"", "00e9 20ac d83d de00")]
    [InlineData("\"\\ud83d\"", "d83d")]
    [InlineData("\"\\uD83D\"", "d83d")]
    [InlineData("\"\\udc00\"", "dc00")]
    [InlineData("\"a\\udc00b\"", "0061 dc00 0062")]
    [InlineData("\"\\ud83d\\ude00\"", "d83d de00")]
    [InlineData("\"\\ude00\\ud83d\"", "de00 d83d")]
    [InlineData("\"\\ud83d\\ud83d\"", "d83d d83d")]
    [InlineData("\"\\ud83dx\"", "d83d 0078")]
    [InlineData("\"😀\\ud83d\"", "d83d de00 d83d")]
    [InlineData("\"\\ud800é\\n\"", "d800 00e9 000a")]
    public void GetString_DecodesEveryEscapeAsJsonParse(string token, string expectedCodeUnits)
    {
        var reader = Reader(token);

        Assert.Equal(expectedCodeUnits, CodeUnits(JsString.GetString(ref reader)));
    }

    [Fact]
    public void GetString_PropertyNameWithLoneSurrogate_IsThatName()
    {
        var reader = Reader("{\"\\ud800\":1,\"k\\udfff\":2}");
        reader.Read();
        var first = JsString.GetString(ref reader);
        reader.Read();
        reader.Read();

        Assert.Equal("d800", CodeUnits(first));
        Assert.Equal("006b dfff", CodeUnits(JsString.GetString(ref reader)));
    }

    [Fact]
    public void GetString_LongEscapedToken_IsDecodedBeyondTheStackBuffer()
    {
        var text = string.Concat(Enumerable.Repeat("\\ud83d€x", 100));
        var reader = Reader("\"" + text + "\"");

        Assert.Equal(string.Concat(Enumerable.Repeat("\ud83d€x", 100)), JsString.GetString(ref reader));
    }

    [Theory]
    [InlineData("\"plain\"")]
    [InlineData("\"\\\"q\\\\ \\/ \\b\\f\\n\\r\\t \\u0001 \\u00e9 😀 \\ud83d\\ude00 \\u2028\"")]
    [InlineData("\"Ærøskøbing 𐍈𝄞\"")]
    public void GetString_WellFormedStrings_AsTheReaderReadsThem(string token)
    {
        var reader = Reader(token);

        Assert.Equal(reader.GetString(), JsString.GetString(ref reader));
    }

    [Fact]
    public void Utf8JsonReader_AcceptsALoneSurrogateEscape_ButCannotReadIt()
    {
        // Why JsString exists: validation passes, every accessor of the reader refuses the token.
        var json = "{\"\\ud83d\":\"\\ud83d\"}"u8.ToArray();
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
        }

        Assert.Throws<InvalidOperationException>(() => NameReader(json).GetString());
        Assert.Throws<InvalidOperationException>(() => NameReader(json).ValueTextEquals("other"));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<string>("\"\\ud83d\""u8));
    }

    [Theory]
    [InlineData("\\ud83d", true, "d83d", true)]
    [InlineData("\\uD83D", true, "d83d", true)]
    [InlineData("\\ud83d", true, "d83c", false)]
    [InlineData("a\\udc00b", true, "0061 dc00 0062", true)]
    [InlineData("a\\udc00b", true, "0061 dc00", false)]
    [InlineData("\\u0061A", true, "0061 0041", true)]
    [InlineData("\\ud83d\\ude00", true, "d83d de00", true)]
    [InlineData("😀", false, "d83d de00", true)]
    [InlineData("😀", false, "d83d", false)]
    [InlineData("é", false, "00e9", true)]
    [InlineData("", false, "", true)]
    [InlineData("", false, "0061", false)]
    public void Equals_ComparesTheDecodedString(string raw, bool escaped, string codeUnits, bool expected)
        => Assert.Equal(expected, JsString.Equals(Encoding.UTF8.GetBytes(raw), escaped, FromCodeUnits(codeUnits)));

    [Fact]
    public void Equals_LoneSurrogate_NeverEqualsAReplacementCharacter()
    {
        // Encoding.UTF8 would turn the lone surrogate into U+FFFD, the very bytes of this unescaped name.
        Assert.False(JsString.Equals("\uFFFD"u8, escaped: false, "\ud83d"));
        Assert.False(JsString.Equals("\\ufffd"u8, escaped: true, "\ud83d"));
        Assert.True(JsString.Equals("\\ufffd"u8, escaped: true, "\uFFFD"));
    }

    [Fact]
    public void Equals_LongNames_AreCompared()
    {
        var text = new string('a', 300) + "\udc00";
        Assert.True(JsString.Equals(Encoding.UTF8.GetBytes(new string('a', 300) + "\\udc00"), escaped: true, text));
        Assert.True(JsString.Equals(Encoding.UTF8.GetBytes(new string('é', 300)), escaped: false, new string('é', 300)));
        Assert.False(JsString.Equals(Encoding.UTF8.GetBytes(new string('a', 301)), escaped: false, text));
    }

    [Fact]
    public void TryEncodeUtf8_LoneSurrogate_HasNoUtf8()
    {
        Span<byte> buffer = stackalloc byte[16];
        Assert.True(JsString.TryEncodeUtf8("a😀", buffer, out var written));
        Assert.Equal("a😀"u8.ToArray(), buffer[..written].ToArray());
        Assert.False(JsString.TryEncodeUtf8("a\ud83d", buffer, out _));
        Assert.False(JsString.TryEncodeUtf8("\udc00b", buffer, out _));
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("plain é€", false)]
    [InlineData("d83d de00", false)]
    [InlineData("0061 d83d de00 0062 d83d de01", false)]
    [InlineData("d83d", true)]
    [InlineData("de00", true)]
    [InlineData("0061 d83d", true)]
    [InlineData("de00 d83d", true)]
    [InlineData("d83d de00 de00", true)]
    [InlineData("d83d d83d de00", true)]
    public void HasLoneSurrogate_OnlyForSurrogatesOutsideAPair(string codeUnitsOrText, bool expected)
    {
        var text = codeUnitsOrText.Length > 0 && codeUnitsOrText.Split(' ').All(u => u.Length == 4 && u.All(char.IsAsciiHexDigit))
            ? FromCodeUnits(codeUnitsOrText)
            : codeUnitsOrText;

        Assert.Equal(expected, JsString.HasLoneSurrogate(text));
    }

    private static Utf8JsonReader Reader(string json)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        reader.Read();
        return reader;
    }

    private static Utf8JsonReader NameReader(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        reader.Read();
        return reader;
    }

    private static string CodeUnits(string value) => string.Join(" ", value.Select(c => ((int)c).ToString("x4")));

    private static string FromCodeUnits(string codeUnits)
        => codeUnits.Length == 0 ? "" : new string(codeUnits.Split(' ').Select(u => (char)Convert.ToInt32(u, 16)).ToArray());
}
