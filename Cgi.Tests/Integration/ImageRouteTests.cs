using System.Text;
using System.Text.Json;
using Dockerman.Tests.Support;
using Xunit;

namespace Dockerman.Tests.Integration;

/// <summary>The image routes through the published binary: all offline, from the local testbox:1.</summary>
[Collection(DaemonCollection.Name)]
public sealed class ImageRouteTests(DockerDaemon daemon) : DaemonTest(daemon)
{
    private string TestboxId => Objects.Json($"/images/{DockerDaemon.Image}/json").GetProperty("Id").GetString()!;

    /// <summary>A new tag on testbox:1, removed when the test ends.</summary>
    private string Tag(string repo)
    {
        (int status, string text) = Objects.Send("POST", $"/images/{DockerDaemon.Image}/tag?repo={Uri.EscapeDataString(repo)}&tag=1");
        Assert.True(status == 201, text);
        return Objects.Image(repo + ":1");
    }

    [Fact]
    public void List_Default_IncludesTheTestImage()
    {
        CgiReply reply = Cgi.Get("image/list", "all=0&digests=1");

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Contains(DaemonObjects.Parse(reply).EnumerateArray(), i =>
            i.GetProperty("Id").GetString() == TestboxId &&
            i.GetProperty("RepoTags").EnumerateArray().Any(t => t.GetString() == DockerDaemon.Image));
    }

    [Fact]
    public void List_ReferenceFilter_SelectsOnlyThatImage()
    {
        string tag = Tag(DaemonObjects.Unique("lsf"));
        string filters = Uri.EscapeDataString($$"""{"reference":["{{tag}}"]}""");

        CgiReply reply = Cgi.Get("image/list", $"filters={filters}");

        Assert.True(reply.Status == 200, reply.ToString());
        JsonElement only = Assert.Single(DaemonObjects.Parse(reply).EnumerateArray());
        Assert.Contains(only.GetProperty("RepoTags").EnumerateArray(), t => t.GetString() == tag);
    }

    [Fact]
    public void Inspect_ByReference_ReturnsTheImage()
    {
        CgiReply reply = Cgi.Get($"image/inspect/{DockerDaemon.Image}");

        Assert.True(reply.Status == 200, reply.ToString());
        JsonElement image = DaemonObjects.Parse(reply);
        Assert.Equal(TestboxId, image.GetProperty("Id").GetString());
    }

    [Fact]
    public void Inspect_ByIdWithDigestPrefix_ReturnsTheImage()
    {
        CgiReply reply = Cgi.Get($"image/inspect/{TestboxId}");

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Equal(TestboxId, DaemonObjects.Parse(reply).GetProperty("Id").GetString());
    }

    [Fact]
    public void History_TestImage_ReturnsItsLayers()
    {
        CgiReply reply = Cgi.Get($"image/history/{DockerDaemon.Image}");

        Assert.True(reply.Status == 200, reply.ToString());
        JsonElement direct = Objects.Json($"/images/{DockerDaemon.Image}/history");
        Assert.Equal(direct.GetArrayLength(), DaemonObjects.Parse(reply).GetArrayLength());
        Assert.Equal(TestboxId, DaemonObjects.Parse(reply)[0].GetProperty("Id").GetString());
    }

    [Fact]
    public void Tag_NewRepoAndTag_AddsTheTag()
    {
        string repo = DaemonObjects.Unique("tagged/sub");
        Objects.Image(repo + ":v2");

        CgiReply reply = Cgi.Post($"image/tag/{DockerDaemon.Image}", $"repo={repo}&tag=v2");

        Assert.True(reply.Status == 201, reply.ToString());
        Assert.Equal(TestboxId, Objects.Json($"/images/{repo}:v2/json").GetProperty("Id").GetString());
    }

    [Theory]
    [InlineData("DELETE")]
    [InlineData("POST")]
    public void Remove_ATag_UntagsOnlyThat(string method)
    {
        string tag = Tag(DaemonObjects.Unique("rm/x"));

        CgiReply reply = Cgi.Run(method, $"image/remove/{tag}", "noprune=false");

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Contains(DaemonObjects.Parse(reply).EnumerateArray(), e => e.GetProperty("Untagged").GetString() == tag);
        Assert.Equal(404, Objects.Send("GET", $"/images/{tag}/json").Status);
        Assert.True(Objects.Exists($"/images/{DockerDaemon.Image}/json"));
    }

    [Theory]
    [InlineData("image/prune")]
    [InlineData("images/prune")]
    public void Prune_DanglingWithLabel_RemovesOnlyThatImage(string path)
    {
        string label = DaemonObjects.Unique("prune");
        string dangling = Objects.ImportImage(label: $"dm.test={label}");
        string other = Objects.ImportImage();
        string filters = Uri.EscapeDataString($$"""{"dangling":["true"],"label":["dm.test={{label}}"]}""");

        CgiReply reply = Cgi.Post(path, $"filters={filters}");

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Contains(DaemonObjects.Parse(reply).GetProperty("ImagesDeleted").EnumerateArray(),
            e => e.TryGetProperty("Deleted", out JsonElement d) && d.GetString() == dangling);
        Assert.Equal(404, Objects.Send("GET", $"/images/{dangling}/json").Status);
        Assert.True(Objects.Exists($"/images/{other}/json"));
        Assert.True(Objects.Exists($"/images/{DockerDaemon.Image}/json"));
    }

    [Fact]
    public void Search_DaemonWithoutInternet_RelaysTheDaemonsOwnAnswer()
    {
        (int status, string text) = Objects.Send("GET", "/images/search?term=busybox&limit=1");

        CgiReply reply = Cgi.Get("image/search", "term=busybox&limit=1");

        Assert.Equal(status, reply.Status);
        JsonElement body = DaemonObjects.Parse(reply);
        if (status == 200)
        {
            Assert.Equal(JsonValueKind.Array, body.ValueKind);
        }
        else
        {
            Assert.Equal(1, reply.ExitCode);
            string message = body.GetProperty("message").GetString()!;
            Assert.False(string.IsNullOrEmpty(message));
            string direct = JsonDocument.Parse(text).RootElement.GetProperty("message").GetString()!;
            Assert.StartsWith(direct[..Math.Min(direct.Length, 30)], message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("image/get")]
    [InlineData("images/get")]
    public void Get_ByName_SavesTheImageAsTar(string path)
    {
        CgiReply reply = Cgi.Get($"{path}/{DockerDaemon.Image}");

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Equal("attachment; filename=\"testbox_1.tar\"", reply.Header("Content-Disposition"));
        Dictionary<string, byte[]> files = Tars.Read(reply.Body);
        JsonElement manifest = JsonDocument.Parse(files["manifest.json"]).RootElement;
        Assert.Equal(DockerDaemon.Image, manifest[0].GetProperty("RepoTags")[0].GetString());
    }

    [Fact]
    public void Get_NamesInQuery_SavesAllOfThemInOneTar()
    {
        string tag = Tag(DaemonObjects.Unique("sv"));

        CgiReply reply = Cgi.Get("image/get", $"names={DockerDaemon.Image}&names={tag}");

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Equal("attachment; filename=\"images.tar\"", reply.Header("Content-Disposition"));
        JsonElement manifest = JsonDocument.Parse(Tars.Read(reply.Body)["manifest.json"]).RootElement;
        var tags = manifest.EnumerateArray().SelectMany(m => m.GetProperty("RepoTags").EnumerateArray()).Select(t => t.GetString()).ToList();
        Assert.Contains(DockerDaemon.Image, tags);
        Assert.Contains(tag, tags);
    }

    [Theory]
    [InlineData("image/load", true)]
    [InlineData("image/load", false)]
    [InlineData("images/load", true)]
    public void Load_SavedTar_RestoresTheRemovedTag(string path, bool contentLength)
    {
        string tag = Tag(DaemonObjects.Unique("rt"));
        CgiReply saved = Cgi.Get($"image/get/{tag}");
        Assert.True(saved.Status == 200, saved.ToString());
        Assert.Equal(200, Objects.Send("DELETE", $"/images/{tag}").Status);
        Assert.Equal(404, Objects.Send("GET", $"/images/{tag}/json").Status);

        CgiReply reply = Cgi.Run("POST", path, "quiet=0", saved.Body, contentType: "application/x-tar", contentLength: contentLength);

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Contains(DaemonObjects.Lines(reply), l => l.TryGetProperty("stream", out JsonElement s) &&
                                                         s.GetString()!.Contains(tag, StringComparison.Ordinal));
        Assert.Equal(TestboxId, Objects.Json($"/images/{tag}/json").GetProperty("Id").GetString());
    }

    [Theory]
    [InlineData("image/create", true)]
    [InlineData("image/create", false)]
    [InlineData("images/create", true)]
    public void Create_FromSrcTarBody_ImportsTheImage(string path, bool contentLength)
    {
        string repo = DaemonObjects.Unique("imp");
        Objects.Image(repo + ":1");
        string content = "imported " + Guid.NewGuid();
        byte[] tar = Tars.Build(("etc/imported.txt", content));

        CgiReply reply = Cgi.Run("POST", path, $"fromSrc=-&repo={repo}&tag=1&message=from-test",
            tar, contentType: "application/x-tar", contentLength: contentLength);

        Assert.True(reply.Status == 200, reply.ToString());
        string id = DaemonObjects.Lines(reply)[^1].GetProperty("status").GetString()!;
        JsonElement image = Objects.Json($"/images/{repo}:1/json");
        Assert.Equal(id, image.GetProperty("Id").GetString());
        Assert.Equal("from-test", image.GetProperty("Comment").GetString());
        // The file is in the image: a container made from it has it.
        string container = Objects.Container(DaemonObjects.Unique("impc"));
        Assert.Equal(201, Objects.Send("POST", $"/containers/create?name={container}",
            new Dictionary<string, object> { ["Image"] = repo + ":1", ["Cmd"] = new[] { "none" } }).Status);
        Assert.Equal(200, Objects.Send("HEAD", $"/containers/{container}/archive?path=/etc/imported.txt").Status);
    }

    [Theory]
    [InlineData("image/build")]
    [InlineData("images/build")]
    public void Build_ContextWithDockerfile_BuildsAndTagsTheImage(string path)
    {
        string tag = Objects.Image(DaemonObjects.Unique("built") + ":1");
        string copied = "copied " + Guid.NewGuid();
        byte[] context = Tars.Build(
            ("Dockerfile", "FROM testbox:1\nRUN echo ran > /ran.txt\nCOPY copied.txt /copied.txt\nLABEL dm.test=built\n"),
            ("copied.txt", copied));

        CgiReply reply = Cgi.Run("POST", path, $"t={Uri.EscapeDataString(tag)}&rm=1&forcerm=1", context, contentType: "application/x-tar");

        Assert.True(reply.Status == 200, reply.ToString());
        List<JsonElement> lines = DaemonObjects.Lines(reply);
        Assert.DoesNotContain(lines, l => l.TryGetProperty("error", out _));
        Assert.Contains(lines, l => l.TryGetProperty("stream", out JsonElement s) && s.GetString()!.Contains("Successfully tagged " + tag, StringComparison.Ordinal));
        JsonElement image = Objects.Json($"/images/{tag}/json");
        Assert.Equal("built", image.GetProperty("Config").GetProperty("Labels").GetProperty("dm.test").GetString());
        string container = Objects.Container(DaemonObjects.Unique("bc"));
        Assert.Equal(201, Objects.Send("POST", $"/containers/create?name={container}",
            new Dictionary<string, object> { ["Image"] = tag, ["Cmd"] = new[] { "true" } }).Status);
        Assert.Equal(copied, Objects.Archive(container, "/copied.txt").Text("copied.txt"));
        Assert.Equal(200, Objects.Send("HEAD", $"/containers/{container}/archive?path=/ran.txt").Status);
    }

    [Fact]
    public void Build_FailingRun_ReportsTheErrorInsideTheStream()
    {
        string tag = Objects.Image(DaemonObjects.Unique("broken") + ":1");
        byte[] context = Tars.Build(("Dockerfile", "FROM testbox:1\nRUN exit 9\n"));

        CgiReply reply = Cgi.Run("POST", "image/build", $"t={Uri.EscapeDataString(tag)}&forcerm=1", context, contentType: "application/x-tar");

        Assert.True(reply.Status == 200, reply.ToString());
        Assert.Contains(DaemonObjects.Lines(reply), l => l.TryGetProperty("error", out JsonElement e) &&
                                                         e.GetString()!.Contains('9', StringComparison.Ordinal));
        Assert.Equal(404, Objects.Send("GET", $"/images/{tag}/json").Status);
    }

    [Theory]
    [InlineData("image/build_prune")]
    [InlineData("images/build/prune")]
    public void BuildPrune_All_ReachesTheDaemonsBuildCache(string path)
    {
        CgiReply reply = Cgi.Post(path, "all=1");

        Assert.True(reply.Status == 200, reply.ToString());
        JsonElement result = DaemonObjects.Parse(reply);
        Assert.True(result.TryGetProperty("SpaceReclaimed", out JsonElement space) && space.ValueKind == JsonValueKind.Number, reply.Text);
        Assert.True(result.TryGetProperty("CachesDeleted", out _), reply.Text);
    }

    [Theory]
    [InlineData("image/push")]
    [InlineData("images/push")]
    public void Push_NoRegistryListening_RelaysTheErrorInsideTheStream(string path)
    {
        // Port 1 on loopback: nothing listens, the daemon's push fails at once and says so in its stream.
        string repo = "127.0.0.1:1/" + DaemonObjects.Unique("push");
        Tag(repo);
        string auth = Convert.ToBase64String(Encoding.UTF8.GetBytes("{}"));

        CgiReply reply = Cgi.Post($"{path}/{repo}", $"tag=1&X-Registry-Auth={Uri.EscapeDataString(auth)}");

        Assert.True(reply.Status == 200, reply.ToString());
        List<JsonElement> lines = DaemonObjects.Lines(reply);
        Assert.Contains(lines, l => l.TryGetProperty("status", out JsonElement s) && s.GetString()!.Contains(repo, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.TryGetProperty("error", out JsonElement e) && e.GetString()!.Contains("127.0.0.1:1", StringComparison.Ordinal));
    }

    [Fact]
    public void Push_WithoutRegistryAuth_JobFailsWithTheDaemonsRefusal()
    {
        string repo = "127.0.0.1:1/" + DaemonObjects.Unique("push");
        Tag(repo);
        (int status, string text) = Objects.Send("POST", $"/images/{repo}/push?tag=1");
        Assert.True(status >= 400, text);
        string message = JsonDocument.Parse(text).RootElement.GetProperty("message").GetString()!;

        // A push is a background job: the reply starts before the daemon answers, so the daemon's
        // refusal arrives as the job's error, in its progress and in job/list.
        CgiReply reply = Cgi.Post($"image/push/{repo}", "tag=1");

        Assert.Equal(200, reply.Status);
        string id = reply.Header("X-Dockerman-Job")!;
        Assert.Equal(message, JsonDocument.Parse(reply.Body).RootElement.GetProperty("error").GetString());
        JsonElement job = JsonDocument.Parse(Cgi.Get("job/list").Body).RootElement.EnumerateArray()
            .Single(j => j.GetProperty("id").GetString() == id);
        Assert.Equal("failed", job.GetProperty("state").GetString());
        Assert.Equal(message, job.GetProperty("error").GetString());
    }
}
