using System.Text.Json;
using System.Text.Json.Serialization;
using CookieSession.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace CookieSession.Tests.Parameters;

/// <summary>The session as one object: read through the serializer options, written back key by key as the response starts.</summary>
public sealed class TypedSessionTests
{
    [Fact]
    public async Task Value_EmptySession_IsANewObjectAndNothingIsWrittenUnchanged()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
            await context.Response.WriteAsync(context.GetCookieSession<Profile>().Value.Name ?? "none"));

        var transaction = await host.SendAsync();

        Assert.Equal("none", transaction.Body);
        Assert.Empty(transaction.SetCookies);
    }

    [Fact]
    public async Task Value_ReadsCamelCaseKeysAsNodeWritesThem()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var value = context.GetCookieSession<Profile>().Value;
            await context.Response.WriteAsync($"{value.Name};{value.VisitCount};{string.Join(",", value.Roles)}");
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("""{"name":"Ana","visitCount":3,"roles":["a","b"]}"""));

        Assert.Equal("Ana;3;a,b", transaction.Body);
        Assert.Empty(transaction.SetCookies);
    }

    [Fact]
    public async Task Value_ChangedInPlace_WritesOnlyChangedKeysAndKeepsUndeclaredOnesByteForByte()
    {
        await using var host = await SessionTestHost.StartAsync(context =>
        {
            context.GetCookieSession<Profile>().Value.VisitCount++;
            return Task.CompletedTask;
        });

        // Undeclared keys (another app's, TempData's) keep their exact bytes, escapes and number forms included.
        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("""{"nodeOnly":{"x":1e3,"s":"\u00e9"},"name":"Ana","visitCount":3,"roles":[]}"""));

        Assert.Equal("""{"nodeOnly":{"x":1e3,"s":"\u00e9"},"name":"Ana","visitCount":4,"roles":[]}""", TestSigning.JsonOf(transaction.SessionCookie()!.Value.ToString()));
    }

    [Fact]
    public async Task Value_AbsentPropertyLeftAtItsDefault_IsNotWritten()
    {
        await using var host = await SessionTestHost.StartAsync(context =>
        {
            context.GetCookieSession<Profile>().Value.Name = "Ana";
            return Task.CompletedTask;
        });

        var transaction = await host.SendAsync();

        Assert.Equal("""{"name":"Ana"}""", TestSigning.JsonOf(transaction.SessionCookie()!.Value.ToString()));
    }

    [Fact]
    public async Task Value_PropertySetToNull_IsWrittenAsJsonNull()
    {
        await using var host = await SessionTestHost.StartAsync(context =>
        {
            context.GetCookieSession<Profile>().Value.Name = null;
            return Task.CompletedTask;
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("""{"name":"Ana","other":1}"""));

        Assert.Equal("""{"name":null,"other":1}""", TestSigning.JsonOf(transaction.SessionCookie()!.Value.ToString()));
    }

    [Fact]
    public async Task Value_NullPropertyWithNullsIgnored_RemovesTheKey()
    {
        await using var host = await SessionTestHost.StartAsync(
            context =>
            {
                context.GetCookieSession<Profile>().Value.Name = null;
                return Task.CompletedTask;
            },
            o => o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull);

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("""{"name":"Ana","other":1}"""));

        Assert.Equal("""{"other":1}""", TestSigning.JsonOf(transaction.SessionCookie()!.Value.ToString()));
    }

    [Fact]
    public async Task Value_ExtensionData_HoldsUndeclaredKeysAndChangesThem()
    {
        await using var host = await SessionTestHost.StartAsync(context =>
        {
            var value = context.GetCookieSession<WithExtras>().Value;
            value.Extra!["added"] = JsonSerializer.SerializeToElement(2);
            return Task.CompletedTask;
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("""{"name":"Ana","nodeOnly":1}"""));

        Assert.Equal("""{"name":"Ana","nodeOnly":1,"added":2}""", TestSigning.JsonOf(transaction.SessionCookie()!.Value.ToString()));
    }

    [Fact]
    public async Task Value_NamingPolicyOfTheOptions_NamesTheKeys()
    {
        await using var host = await SessionTestHost.StartAsync(
            context =>
            {
                context.GetCookieSession<Profile>().Value.VisitCount = 1;
                return Task.CompletedTask;
            },
            o => o.SerializerOptions = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower });

        var transaction = await host.SendAsync();

        Assert.Equal("""{"visit_count":1}""", TestSigning.JsonOf(transaction.SessionCookie()!.Value.ToString()));
    }

    [Fact]
    public async Task Value_ThatDoesNotFitTheType_NamesKeyAndTypesAndLeavesTheCookie()
    {
        await using var host = await SessionTestHost.StartAsync(context =>
        {
            _ = context.GetCookieSession<Profile>().Value;
            return Task.CompletedTask;
        });

        var error = await Assert.ThrowsAsync<JsonException>(() => host.SendAsync(cookie: TestSigning.SessionCookie("""{"visitCount":"three"}""")));

        Assert.Contains("'visitCount'", error.Message, StringComparison.Ordinal);
        Assert.Contains("JSON string", error.Message, StringComparison.Ordinal);
        Assert.Contains("System.Int32", error.Message, StringComparison.Ordinal);
        Assert.Contains("Profile.VisitCount", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Value_ThatDoesNotFit_CaughtByTheApp_NoCookieWritten()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
        {
            var error = Record.Exception(() => context.GetCookieSession<Profile>().Value);
            await context.Response.WriteAsync(error?.GetType().Name ?? "none");
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("""{"visitCount":"three"}"""));

        Assert.Equal(nameof(JsonException), transaction.Body);
        Assert.Empty(transaction.SetCookies);
    }

    [Fact]
    public async Task TypedAndUntyped_DifferentKeys_BothSaved()
    {
        await using var host = await SessionTestHost.StartAsync(context =>
        {
            context.GetCookieSession<Profile>().Value.Name = "Ana";
            context.GetCookieSession().SetInteger("other", 7);
            return Task.CompletedTask;
        });

        var transaction = await host.SendAsync();

        Assert.Equal("""{"other":7,"name":"Ana"}""", TestSigning.JsonOf(transaction.SessionCookie()!.Value.ToString()));
    }

    [Fact]
    public async Task TypedAndUntyped_SameKeyChangedBoth_IsAnErrorNamingTheKey()
    {
        await using var host = await SessionTestHost.StartAsync(context =>
        {
            context.GetCookieSession<Profile>().Value.Name = "Ana";
            context.GetCookieSession().SetString("name", "Bea");
            return Task.CompletedTask;
        });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.SendAsync());

        Assert.Contains("'name'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UntypedChangeOfAKeyTheValueDidNotChange_IsSaved()
    {
        await using var host = await SessionTestHost.StartAsync(context =>
        {
            _ = context.GetCookieSession<Profile>().Value;
            context.GetCookieSession().SetString("name", "Bea");
            return Task.CompletedTask;
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("""{"name":"Ana"}"""));

        Assert.Equal("""{"name":"Bea"}""", TestSigning.JsonOf(transaction.SessionCookie()!.Value.ToString()));
    }

    [Fact]
    public async Task Value_ChangedInACallbackAsTheResponseStarts_IsSaved()
    {
        await using var host = await SessionTestHost.StartAsync(context =>
        {
            var session = context.GetCookieSession<Profile>();
            session.Value.Name = "Ana";
            context.Response.OnStarting(() =>
            {
                session.Value.VisitCount = 9;
                return Task.CompletedTask;
            });
            return Task.CompletedTask;
        });

        var transaction = await host.SendAsync();

        Assert.Equal("""{"name":"Ana","visitCount":9}""", TestSigning.JsonOf(transaction.SessionCookie()!.Value.ToString()));
    }

    [Fact]
    public async Task GetCookieSession_SameTypeTwice_IsTheSameObject()
    {
        await using var host = await SessionTestHost.StartAsync(async context =>
            await context.Response.WriteAsync(ReferenceEquals(context.GetCookieSession<Profile>(), context.GetCookieSession<Profile>()).ToString()));

        Assert.Equal("True", (await host.SendAsync()).Body);
    }

    [Fact]
    public async Task GetCookieSession_WithJsonTypeInfo_UsesItsContextsOptions()
    {
        await using var host = await SessionTestHost.StartAsync(context =>
        {
            context.GetCookieSession(TypedSessionJson.Default.Profile).Value.VisitCount = 2;
            return Task.CompletedTask;
        });

        var transaction = await host.SendAsync();

        Assert.Equal("""{"VISIT_COUNT":2}""", TestSigning.JsonOf(transaction.SessionCookie()!.Value.ToString()));
    }

    [Fact]
    public async Task ClearCookieSession_AfterAChangeThroughTheValue_DeletesTheCookie()
    {
        await using var host = await SessionTestHost.StartAsync(context =>
        {
            context.GetCookieSession<Profile>().Value.Name = "Ana";
            context.ClearCookieSession();
            return Task.CompletedTask;
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("""{"name":"Bea"}"""));

        Assert.Equal(string.Empty, transaction.SessionCookie()!.Value.ToString());
    }

    [Fact]
    public async Task TypedView_TakenBeforeClearCookieSession_ChangeAfterItIsSaved()
    {
        // A handler's ICookieSession<T> parameter is bound (the view made) before the handler runs.
        await using var host = await SessionTestHost.StartAsync(context =>
        {
            var profile = context.GetCookieSession<Profile>();
            context.ClearCookieSession();
            profile.Value.Name = "Bo";
            return Task.CompletedTask;
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("""{"name":"Ana","visitCount":3}"""));

        var cookie = transaction.SessionCookie();
        Assert.NotNull(cookie);
        Assert.NotEqual(string.Empty, cookie.Value.ToString());
        Assert.Equal("""{"name":"Bo"}""", TestSigning.JsonOf(cookie.Value.ToString()));
    }

    [Fact]
    public async Task TypedValue_ReadBeforeClearCookieSession_ChangeAfterItIsSaved()
    {
        await using var host = await SessionTestHost.StartAsync(context =>
        {
            var profile = context.GetCookieSession<Profile>();
            _ = profile.Value.Name;
            context.ClearCookieSession();
            profile.Value.VisitCount = 42;
            return Task.CompletedTask;
        });

        var transaction = await host.SendAsync(cookie: TestSigning.SessionCookie("""{"name":"Ana","visitCount":3}"""));

        // What the value held went with the old session; what it changed afterwards is the new session.
        Assert.Equal("""{"visitCount":42}""", TestSigning.JsonOf(transaction.SessionCookie()!.Value.ToString()));
    }
}

public sealed class Profile
{
    public string? Name { get; set; }

    public int VisitCount { get; set; }

    public List<string> Roles { get; set; } = [];
}

public sealed class WithExtras
{
    public string? Name { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; } = [];
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseUpper, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault)]
[JsonSerializable(typeof(Profile))]
internal sealed partial class TypedSessionJson : JsonSerializerContext;
