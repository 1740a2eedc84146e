"""First-run wizard: only reachable while no structure exists; creates it and the first direction user."""

from __future__ import annotations

import os
import tempfile

from django.contrib import messages
from django.contrib.auth import login
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.shortcuts import redirect
from formtools.wizard.views import SessionWizardView

from pilote.core import services, vat_policy
from pilote.core.forms import FirstUserForm, StructureContactForm, StructureFiscalForm, StructureIdentityForm
from pilote.core.models import Structure
from pilote.core.roles import Role

STEPS = [
    ("structure", StructureIdentityForm, "Votre structure"),
    ("coordonnees", StructureContactForm, "Coordonnées et banque"),
    ("exercice", StructureFiscalForm, "Exercice et TVA"),
    ("compte", FirstUserForm, "Votre compte de direction"),
]


RESTART = "recommencer"


class SetupWizard(SessionWizardView):
    form_list = [(name, form) for name, form, _ in STEPS]
    template_name = "core/setup.html"
    file_storage = FileSystemStorage(location=os.path.join(tempfile.gettempdir(), "pilote-setup"))

    def dispatch(self, request, *args, **kwargs):
        if Structure.objects.exists():
            messages.info(request, "La structure est déjà configurée.")
            return redirect("core:home")
        return super().dispatch(request, *args, **kwargs)

    def get_form_initial(self, step):
        initial = super().get_form_initial(step)
        if step == "exercice":
            identity = self.get_cleaned_data_for_step("structure") or {}
            initial.setdefault("vat_regime", vat_policy.default_regime(identity.get("type", "")))
        return initial

    def get_form(self, step=None, data=None, files=None):
        form = super().get_form(step, data, files)
        if (step or self.steps.current) == "exercice":  # only the regimes this type of structure may choose
            identity = self.get_cleaned_data_for_step("structure") or {}
            allowed = vat_policy.regimes_for(identity.get("type", ""))
            field = form.fields["vat_regime"]
            field.choices = [(value, label) for value, label in field.choices if value in allowed]
        return form

    def get(self, request, *args, **kwargs):
        """Show the step in progress with what was typed; formtools' own GET would wipe the answers, and
        a GET can come from anything (a reload, a second tab, a stray redirect). Only « Recommencer »
        (`?recommencer=1`) starts again from an empty first step."""
        if RESTART in request.GET or self.storage.current_step is None:
            self.storage.reset()
            self.storage.current_step = self.steps.first
            if RESTART in request.GET:
                return redirect("core:setup")
        step = self.steps.current
        form = self.get_form(step=step, data=self.storage.get_step_data(step), files=self.storage.get_step_files(step))
        return self.render(form)

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        context["step_titles"] = [title for _, _, title in STEPS]
        context["step_title"] = dict((n, t) for n, _, t in STEPS)[self.steps.current]
        return context

    def done(self, form_list, form_dict, **kwargs):
        structure_data = {}
        for name in ("structure", "coordonnees", "exercice"):
            structure_data.update(form_dict[name].cleaned_data)
        if not structure_data.get("logo"):
            structure_data.pop("logo", None)
        account = form_dict["compte"].cleaned_data
        with transaction.atomic():
            structure = services.create_structure(actor=None, **structure_data)
            user = services.create_user(
                actor=None,
                username=account["username"],
                role=Role.DIRECTION,
                password=account["password1"],
                first_name=account["first_name"],
                last_name=account["last_name"],
                email=account["email"],
            )
            services.initialise_structure(actor=user, structure=structure)
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(self.request, "Votre structure est prête. Bienvenue dans Pilote !")
        return redirect("core:home")


setup = SetupWizard.as_view()
setup.required_perm = None
