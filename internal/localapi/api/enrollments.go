package api

func (a *API) routeEnrollments() {}
