using Dockerman;
using Dockerman.Hosting;

return App.Run(args, ProcessEnv.FromProcess());
