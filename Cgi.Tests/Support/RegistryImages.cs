using System.IO.Compression;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Dockerman.Tests.Support;

/// <summary>
/// Images made straight in the registry through its HTTP API (blobs, then a schema 2 manifest), so a
/// test can have an image of any shape to pull (many layers, a large layer) without building it in a
/// daemon first.
/// </summary>
public static class RegistryImages
{
    /// <summary>Pushes an image of these layers (uncompressed tar archives, gzipped here) as name:tag.</summary>
    public static void Push(Registry registry, string name, string tag, IReadOnlyList<byte[]> layerTars)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://{registry.Host}"), Timeout = TimeSpan.FromSeconds(60) };
        var layers = new StringBuilder();
        var diffIds = new StringBuilder();
        foreach (byte[] tar in layerTars)
        {
            var gz = new MemoryStream();
            using (var z = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true))
            {
                z.Write(tar);
            }

            byte[] blob = gz.ToArray();
            string digest = UploadBlob(http, name, blob);
            layers.Append(layers.Length > 0 ? "," : "")
                .Append($"{{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"size\":{blob.Length},\"digest\":\"{digest}\"}}");
            diffIds.Append(diffIds.Length > 0 ? "," : "").Append($"\"{Digest(tar)}\"");
        }

        byte[] config = Encoding.UTF8.GetBytes(
            $"{{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{{}},\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[{diffIds}]}}}}");
        string configDigest = UploadBlob(http, name, config);
        string manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\"," +
            $"\"config\":{{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"size\":{config.Length},\"digest\":\"{configDigest}\"}}," +
            $"\"layers\":[{layers}]}}";
        var content = new StringContent(manifest);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.docker.distribution.manifest.v2+json");
        using HttpResponseMessage put = http.PutAsync($"/v2/{name}/manifests/{tag}", content).Result;
        if (!put.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"manifest upload: {(int)put.StatusCode} {put.Content.ReadAsStringAsync().Result}");
        }
    }

    private static string Digest(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static string UploadBlob(HttpClient http, string name, byte[] blob)
    {
        string digest = Digest(blob);
        using HttpResponseMessage start = http.PostAsync($"/v2/{name}/blobs/uploads/", null).Result;
        Uri location = start.Headers.Location ?? throw new InvalidOperationException($"blob upload: {(int)start.StatusCode}, no Location");
        string url = location.ToString();
        url += (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "digest=" + Uri.EscapeDataString(digest);
        var content = new ByteArrayContent(blob);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using HttpResponseMessage put = http.PutAsync(url, content).Result;
        if (!put.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"blob upload: {(int)put.StatusCode} {put.Content.ReadAsStringAsync().Result}");
        }

        return digest;
    }
}
