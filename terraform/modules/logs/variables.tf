variable "name" {
  description = "Prefix of every resource name (project-environment)."
  type        = string
}

variable "retention_in_days" {
  description = "Days log groups and access-log objects are kept."
  type        = number
}

variable "app_roles" {
  description = "Application roles that get a log group each (web, asgi, worker, beat, migrate)."
  type        = list(string)
}
