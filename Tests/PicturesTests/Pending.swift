// Pending: the module's tests land here.
