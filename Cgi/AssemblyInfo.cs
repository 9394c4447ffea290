// A CGI program for Linux web servers: Unix sockets, file modes, posix_spawn.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
