package api

func (a *API) routeAliases() {}
