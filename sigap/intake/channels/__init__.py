"""Channel adapters: each turns a service's webhook into ``Inbound`` messages and sends replies."""
