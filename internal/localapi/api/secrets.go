package api

import (
	"errors"
	"net/http"
	"regexp"
	"unicode/utf8"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
)

var secretNameRE = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`)

const (
	secretNameMax        = 100
	secretValueMax       = 4000
	secretDescriptionMax = 10000
)

func (a *API) routeSecrets() {
	a.handle("GET", "/secrets/", a.listSecrets)
	a.handle("GET", "/secrets/{name}", a.getSecret)
	a.handle("PUT", "/secrets/{name}", a.setSecret)
	a.handle("DELETE", "/secrets/{name}", a.deleteSecret)
}

// secretPublic is the SecretPublic schema.
type secretPublic struct {
	Name        string  `json:"name"`
	Description *string `json:"description"`
	ID          string  `json:"id"`
	OwnerType   string  `json:"owner_type"`
	RoleID      *string `json:"role_id"`
	OwnerID     *string `json:"owner_id"`
	Sensitive   bool    `json:"sensitive"`
	Value       *string `json:"value"`
	CreatedAt   string  `json:"created_at"`
	UpdatedAt   *string `json:"updated_at"`
	LastUsedAt  *string `json:"last_used_at"`
}

func secretView(s *store.Secret) secretPublic {
	v := secretPublic{
		Name: s.Name, Description: s.Description, ID: s.ID, OwnerType: "customer",
		RoleID: s.RoleID, OwnerID: &s.CustomerID, Sensitive: s.Sensitive,
		CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt, LastUsedAt: s.LastUsedAt,
	}
	if !s.Sensitive {
		val := s.Value
		v.Value = &val
	}
	return v
}

func (a *API) listSecrets(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	var errs validationErrors
	skip := queryInt(r, "skip", 0, 0, 0, &errs)
	limit := queryInt(r, "limit", -1, 0, 0, &errs)
	if errs.write(w) {
		return
	}
	secrets, err := a.store.ListSecrets(r.Context(), p)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	writePage(w, secrets, skip, limit, secretView)
}

func (a *API) getSecret(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	name := r.PathValue("name")
	s, err := a.store.GetSecret(r.Context(), p, name)
	if a.failed(w, r, err, func() { writeDetail(w, http.StatusNotFound, "Secret '"+name+"' not found") }) {
		return
	}
	writeJSON(w, http.StatusOK, secretView(s))
}

func (a *API) setSecret(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	name := r.PathValue("name")
	var errs validationErrors
	validSecretName(name, &errs)
	shared := queryBool(r, "shared", false, &errs)
	var body struct {
		Value       *string `json:"value"`
		Sensitive   *bool   `json:"sensitive"`
		Description *string `json:"description"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	switch {
	case body.Value == nil:
		errs.add("Field required", "missing", "body", "value")
	case utf8.RuneCountInString(*body.Value) > secretValueMax:
		errs.add("String should have at most 4000 characters", "string_too_long", "body", "value")
	}
	if body.Description != nil && utf8.RuneCountInString(*body.Description) > secretDescriptionMax {
		errs.add("String should have at most 10000 characters", "string_too_long", "body", "description")
	}
	if errs.write(w) {
		return
	}
	s, created, err := a.store.SetSecret(r.Context(), p, name, shared, store.SecretWrite{Value: *body.Value, Sensitive: body.Sensitive, Description: body.Description})
	if errors.Is(err, store.ErrConflict) {
		writeDetail(w, http.StatusConflict, "Secret '"+name+"' already exists with a different sensitive flag; a secret cannot become a variable (or the reverse) in place. Delete it and create it again.")
		return
	}
	if err != nil {
		a.internal(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, secretView(s))
}

func (a *API) deleteSecret(w http.ResponseWriter, r *http.Request) {
	p, ok := principal(w, r)
	if !ok {
		return
	}
	name := r.PathValue("name")
	var errs validationErrors
	shared := queryBool(r, "shared", false, &errs)
	if errs.write(w) {
		return
	}
	err := a.store.DeleteSecret(r.Context(), p, name, shared)
	if a.failed(w, r, err, func() {
		scope := "personal"
		if shared {
			scope = "shared"
		}
		writeDetail(w, http.StatusNotFound, "Secret '"+name+"' not found in the "+scope+" scope")
	}) {
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "Secret '" + name + "' deleted"})
}
