using CookieSession.Tests.Infrastructure;
using CookieSession.Tests.Properties;

namespace CookieSession.Tests.AppModels;

/// <summary>Every kind of value MVC's TempData serializer supports comes back from the session as MVC reads it back.</summary>
public sealed class TempDataValueTypeTests
{
    [Theory]
    [MemberData(nameof(FuzzFormats.Names), MemberType = typeof(FuzzFormats))]
    public async Task Describe_AfterSettingEveryType_ReadsEachBackWithItsType(string format)
    {
        await using var host = await MvcSessionHost.StartAsync(format);
        var jar = new CookieJar();

        var redirect = await jar.SendAsync(host, "/tempdata/set-every-type");
        var described = await jar.SendAsync(host, redirect.Response.Headers.Location!.OriginalString);

        // An enum comes back as its number, and a date as a local-less DateTime: that is MVC's serializer, not the session.
        Assert.Equal(
            """
            bool=Boolean:True
            dateTime=DateTime:2010-10-10T08:30:00.0000000Z
            dictionary=Dictionary`2:k=v
            enum=Int32:5
            guid=Guid:0f8fad5b-d9cb-469f-a165-70867728950e
            int=Int32:42
            ints=Int32[]:1,2,3
            string=String:text
            strings=String[]:a,b
            """.ReplaceLineEndings("\n"),
            described.Body);
    }
}
