using System.Text;
using CookieSession.Formats.Django;
using CookieSession.Formats.Python;

namespace CookieSession.Tests.Formats.Django;

/// <summary>Python's ASCII-only JSON and the JSON.stringify form the session holds, each into the other.</summary>
public sealed class PythonJsonTests
{
    [Theory]
    [InlineData("{\"a\":\"zoë\"}", "{\"a\":\"zo\\u00eb\"}")]
    [InlineData("{\"é\":1}", "{\"\\u00e9\":1}")]
    [InlineData("{\"a\":\"😀\"}", "{\"a\":\"\\ud83d\\ude00\"}")]
    [InlineData("{\"a\":\"\u007f\u2028\"}", "{\"a\":\"\\u007f\\u2028\"}")]
    [InlineData("{\"a\":\"\\u0001\\n\\\\u00e9\"}", "{\"a\":\"\\u0001\\n\\\\u00e9\"}")]
    [InlineData("{\"a\":\"\\ud83d\"}", "{\"a\":\"\\ud83d\"}")]
    public void ToAscii_AndBack_AsPythonAndJavaScriptWriteThem(string javaScript, string python)
    {
        var json = Encoding.UTF8.GetBytes(javaScript);
        var ascii = new byte[PythonJson.MaxAsciiLength(json)];

        var asciiLength = PythonJson.ToAscii(json, ascii);
        var back = ascii.AsSpan(0, asciiLength).ToArray();
        var backLength = PythonJson.ToJavaScriptForm(back);

        Assert.Equal(python, Encoding.ASCII.GetString(ascii, 0, asciiLength));
        Assert.Equal(javaScript, Encoding.UTF8.GetString(back, 0, backLength));
    }

    [Theory]
    [InlineData("{\"a\":\"\\u00E9\"}", "{\"a\":\"é\"}")]                      // upper-case hex, as other writers use
    [InlineData("{\"a\":\"\\udc00x\"}", "{\"a\":\"\\udc00x\"}")]              // a lone low surrogate stays escaped
    [InlineData("{\"a\":\"\\ud83d\\u0041\"}", "{\"a\":\"\\ud83d\\u0041\"}")]  // a high surrogate without its pair
    [InlineData("{\"a\":\"\\ud83d\\ude0", "{\"a\":\"\\ud83d\\ude0")]          // cut short: left for the validator
    [InlineData("{\"a\":\"\\u00g9\"}", "{\"a\":\"\\u00g9\"}")]
    public void ToJavaScriptForm_OtherEscapes_OnlyWholeCharactersRewritten(string python, string javaScript)
    {
        var json = Encoding.UTF8.GetBytes(python);

        var length = PythonJson.ToJavaScriptForm(json);

        Assert.Equal(javaScript, Encoding.UTF8.GetString(json, 0, length));
    }
}
