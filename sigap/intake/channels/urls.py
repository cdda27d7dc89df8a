from django.urls import path

from .views import webhook_view

app_name = "channels"
urlpatterns = [path("<slug:channel>/webhook", webhook_view, name="webhook")]
