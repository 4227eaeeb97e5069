output "name_servers" {
  description = "Name servers of the hosted zone; the registrar must delegate the domain to them."
  value       = module.dns.name_servers
}

output "load_balancer_dns_name" {
  description = "DNS name of the load balancer (the apex, www and * records alias it)."
  value       = module.alb.dns_name
}

output "https_listener_arn" {
  description = "HTTPS listener; certificates of verified tenant custom domains are attached to it."
  value       = module.alb.https_listener_arn
}

output "ecr_repository_url" {
  description = "Where to push the application image (tag it with image_tag)."
  value       = module.ecs.repository_url
}

output "ecs_cluster_name" {
  description = "Name of the ECS cluster (for `aws ecs run-task` and `update-service`)."
  value       = module.ecs.cluster_name
}

output "ecs_service_names" {
  description = "Names of the ECS services: web, asgi, worker and beat."
  value       = module.ecs.service_names
}

output "migrate_task_family" {
  description = "Task definition family of the one-off migrate task, run before every deploy."
  value       = module.ecs.migrate_task_family
}

output "task_subnet_ids" {
  description = "Private subnets for one-off tasks (`--network-configuration`)."
  value       = module.network.private_subnet_ids
}

output "task_security_group_id" {
  description = "Security group for one-off tasks (`--network-configuration`)."
  value       = module.ecs.security_group_id
}

output "database_instance_identifier" {
  description = "RDS instance identifier, for snapshots and point-in-time restores."
  value       = module.database.instance_identifier
}

output "database_proxy_endpoint" {
  description = "RDS Proxy endpoint the application connects to."
  value       = module.database.proxy_endpoint
}

output "database_endpoint" {
  description = "Endpoint of the RDS instance itself (migrations, pg_dump)."
  value       = module.database.endpoint
}

output "redis_primary_endpoint" {
  description = "Primary endpoint of the Redis replication group (TLS, AUTH)."
  value       = module.cache.primary_endpoint
}

output "media_bucket_name" {
  description = "Private S3 bucket of user media (AWS_STORAGE_BUCKET_NAME)."
  value       = module.storage.bucket_name
}

output "media_domain" {
  description = "Host name that serves media through CloudFront (AWS_S3_CUSTOM_DOMAIN)."
  value       = module.storage.cdn_domain
}

output "media_distribution_id" {
  description = "CloudFront distribution ID of the media domain (for invalidations)."
  value       = module.storage.distribution_id
}

output "stripe_secret_arns" {
  description = "Secrets to fill by hand with the Stripe keys before the first deploy."
  value       = module.secrets.manual_secret_arns
}

output "ses_dkim_tokens" {
  description = "Easy DKIM tokens of the sending domain (their CNAME records are managed here)."
  value       = module.email.dkim_tokens
}
