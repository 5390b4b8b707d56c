"""One module per resource; ``flashpoint.api.app`` includes their read and write routers."""
