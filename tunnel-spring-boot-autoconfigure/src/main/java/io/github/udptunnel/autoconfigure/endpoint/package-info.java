/** The endpoints' lifecycle: bound when the context starts, drained and closed when it stops. */
package io.github.udptunnel.autoconfigure.endpoint;
