using System.Text.Json;
using System.Text.Json.Serialization;
using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace CookieSession.Tests.Session;

/// <summary>Typed access through System.Text.Json source generation: no reflection, for trimming and Native AOT.</summary>
public sealed partial class SourceGeneratedAccessTests
{
    [Fact]
    public async Task GetAndSet_WithTypeInfo_RoundTripThroughTheCookie()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var session = context.GetCookieSession();
            var n = session.Get("count", TestJson.Default.Int32) + 1;
            session.Set("count", n, TestJson.Default.Int32);
            var cart = session.Get("cart", TestJson.Default.Cart) ?? new Cart([]);
            session.Set("cart", cart with { Items = [.. cart.Items, "item" + n] }, TestJson.Default.Cart);
            await context.Response.WriteAsync(n + " " + string.Join(",", session.Get("cart", TestJson.Default.Cart)!.Items));
        });
        var jar = new CookieJar();

        await jar.SendAsync(host);
        var second = await jar.SendAsync(host);

        Assert.Equal("2 item1,item2", second.Body);
        Assert.Equal("{\"count\":2,\"cart\":{\"items\":[\"item1\",\"item2\"]}}", TestSigning.JsonOf(second.SessionCookie()!.Value.Value!));
    }

    [Fact]
    public async Task Get_WithTypeInfo_ValueOfAnotherJsonType_ThrowsJsonException()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var error = Record.Exception(() => context.GetCookieSession().Get("count", TestJson.Default.Cart));
            await context.Response.WriteAsync(error?.GetType().Name ?? "none");
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("{\"count\":1}"));

        Assert.Equal(nameof(JsonException), transaction.Body);
    }

    [Fact]
    public async Task TypedAccess_WorksWhereReflectionIsOff_AndTheReflectionMembersDoNot()
    {
        // Options with a resolver that knows no type: whatever goes through reflection fails; the typed path must not.
        await using var host = await SessionTestHost.StartAsync(
            async context =>
            {
                var session = context.GetCookieSession();
                session.Set("cart", new Cart(["a"]), TestJson.Default.Cart);
                var typed = session.Get("cart", TestJson.Default.Cart)!.Items.Single();
                var reflection = Record.Exception(() => session.Get<Cart>("cart"));
                await context.Response.WriteAsync(typed + " " + (reflection?.GetType().Name ?? "none"));
            },
            o => o.SerializerOptions = new JsonSerializerOptions { TypeInfoResolver = System.Text.Json.Serialization.Metadata.JsonTypeInfoResolver.Combine() });

        var transaction = await host.SendAsync();

        Assert.Equal("a " + nameof(NotSupportedException), transaction.Body);
        Assert.Equal("{\"cart\":{\"items\":[\"a\"]}}", TestSigning.JsonOf(transaction.SessionCookie()!.Value.Value!));
    }

    public sealed record Cart(IReadOnlyList<string> Items);

    [JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
    [JsonSerializable(typeof(int))]
    [JsonSerializable(typeof(Cart))]
    internal sealed partial class TestJson : JsonSerializerContext;
}
