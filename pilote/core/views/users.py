from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core import queries, services
from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.forms import SetPasswordForm, UserCreateForm, UserFilterForm, UserForm
from pilote.core.listing import EXPORT_FORMATS, Column, export_response, filter_data, paginate, sort_queryset
from pilote.core.models import User

USER_COLUMNS = [
    Column("Identifiant", lambda u: u.username),
    Column("Prénom", lambda u: u.first_name),
    Column("Nom", lambda u: u.last_name),
    Column("E-mail", lambda u: u.email),
    Column("Rôle", lambda u: u.get_role_display()),
    Column("Actif", lambda u: u.is_active),
    Column("Dernière connexion", lambda u: u.last_login),
]


@require_perm("core.users.manage")
def user_list(request):
    form = UserFilterForm(request.GET or None)
    users = queries.filter_users(filter_data(form))
    users = sort_queryset(users, request.GET.get("tri", ""), queries.USER_SORTS, queries.USER_DEFAULT_SORT)
    if request.GET.get("export") in EXPORT_FORMATS:
        return export_response(users, USER_COLUMNS, "utilisateurs", request.GET["export"])
    return render(request, "core/user_list.html", {"form": form, "page": paginate(request, users)})


@require_perm("core.users.manage")
def user_create(request):
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            user = services.create_user(actor=request.user, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"L'utilisateur {user} a été créé.")
            return redirect("core:user-list")
    return render(request, "core/user_form.html", {"form": form, "creating": True})


@require_perm("core.users.manage")
def user_edit(request, pk: int):
    user = get_object_or_404(User, pk=pk)
    form = UserForm(request.POST or None, instance=User.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_user(actor=request.user, user=user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "L'utilisateur a été enregistré.")
            return redirect("core:user-list")
    return _render_edit(request, user, form, SetPasswordForm())


@require_POST
@require_perm("core.users.manage")
def user_set_password(request, pk: int):
    user = get_object_or_404(User, pk=pk)
    password_form = SetPasswordForm(request.POST)
    if password_form.is_valid():
        try:
            services.set_user_password(actor=request.user, user=user, password=password_form.cleaned_data["password"])
        except ValidationError as exc:
            password_form.add_error(None, exc)
        else:
            messages.success(request, "Le mot de passe a été changé.")
            return redirect("core:user-edit", pk=pk)
    return _render_edit(request, user, UserForm(instance=user), password_form)


def _render_edit(request, user, form, password_form):
    return render(request, "core/user_form.html", {"form": form, "password_form": password_form, "edited": user})
