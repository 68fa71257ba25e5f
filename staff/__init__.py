"""Staff console: agency staff edit, review and publish the service knowledge base (issue 3); case pages
(issue 5) join as another section. Mounted under /staff/ by the gateway (`staff.web.create_app`)."""
