package io.mpsaas.console.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.net.URI;

/** The service's root: the console is pages only, so {@code /} goes to them. */
@Path("/")
public class RootResource {

    private final ConsolePaths paths;

    public RootResource(ConsolePaths paths) {
        this.paths = paths;
    }

    @GET
    public Response root() {
        return Response.seeOther(URI.create(paths.href(ConsolePaths.BASE))).build();
    }
}
