package io.mosaic.app;

import io.mosaic.platform.config.MosaicConfig;
import io.mosaic.platform.http.HttpService;
import io.mosaic.platform.metrics.ServiceMetrics;
import io.mosaic.producers.api.JobsApi;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code mosaic jobs-api}: the jobs HTTP API, until stopped. */
@Command(name = "jobs-api", header = "Serve the jobs HTTP API: submit, list, follow and cancel jobs.", mixinStandardHelpOptions = true,
        description = {"Serve the jobs HTTP API (default 127.0.0.1:7070):",
                "  POST /jobs {\"source\": \"<dir>\"}   submit a job (202; 400 for a bad request);",
                "                                   source may be s3://bucket/prefix, or",
                "                                   {\"urls\": [...]} may list image URIs, from",
                "                                   allowed buckets and hosts only",
                "  GET /jobs/{jobId}, GET /jobs     read summaries from the aggregators (404: unknown)",
                "  DELETE /jobs/{jobId}             cancel a job",
                "Runs until Ctrl-C or SIGTERM."},
        footer = {"", "Example:", "  curl -X POST localhost:7070/jobs -d '{\"source\": \"/data/photos\"}'", "  curl localhost:7070/jobs/<jobId>"})
final class JobsApiCommand extends CommandBase.Service implements Callable<Integer> {

    @Option(names = "--aggregator-urls", paramLabel = "URL,...",
            description = "Aggregator instances to read summaries from, tried in turn (setting aggregator.urls; default http://127.0.0.1:7072).")
    String aggregatorUrls;

    @Override
    public Integer call() throws Exception {
        MosaicConfig config = options.config(JobsApi.AGGREGATOR_URLS, aggregatorUrls);
        JobsApi api = new JobsApi(config, ServiceOptions.topics(config));
        HttpService http = httpOptions.http("jobs-api", JobsApi.DEFAULT_PORT).route(JobsApi.PATH, api);
        return ServiceRunner.run("jobs-api", List.of(api), http, new ServiceMetrics("jobs-api"), () -> true, out());
    }
}
