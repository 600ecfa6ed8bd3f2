with

candidates as (
    select
        business_line,
        candidate_id,
        candidate_order,
        clustering_method,
        fit_space,
        requested_clusters,
        min_cluster_size,
        n_clusters,
        silhouette,
        davies_bouldin,
        calinski_harabasz,
        stability_ari_mean,
        stability_ari_min,
        smallest_segment_share,
        largest_segment_share,
        top_segment_share,
        is_eligible,
        ineligible_reason,
        is_chosen,
        selection_reason,
        customers,
        fit_sample_size,
        silhouette_sample_size,
        stability_resamples,
        scaling,
        features
    from {{ ref('int_segmentation__model_selection') }}
),

final as (
    select
        cast(business_line as varchar) as business_line,
        cast(candidate_id as varchar) as candidate_id,
        cast(candidate_order as integer) as candidate_order,
        cast(clustering_method as varchar) as clustering_method,
        cast(fit_space as varchar) as fit_space,
        cast(requested_clusters as integer) as requested_clusters,
        cast(min_cluster_size as integer) as min_cluster_size,
        cast(n_clusters as integer) as segment_count,
        cast(silhouette as double) as silhouette,
        cast(davies_bouldin as double) as davies_bouldin,
        cast(calinski_harabasz as double) as calinski_harabasz,
        cast(stability_ari_mean as double) as stability_ari_mean,
        cast(stability_ari_min as double) as stability_ari_min,
        cast(smallest_segment_share as double) as smallest_segment_share,
        cast(largest_segment_share as double) as largest_segment_share,
        cast(top_segment_share as double) as top_segment_share,
        cast(is_eligible as boolean) as is_eligible,
        cast(ineligible_reason as varchar) as ineligible_reason,
        cast(is_chosen as boolean) as is_chosen,
        cast(selection_reason as varchar) as selection_reason,
        cast(customers as bigint) as customer_count,
        cast(fit_sample_size as bigint) as fit_sample_size,
        cast(silhouette_sample_size as bigint) as silhouette_sample_size,
        cast(stability_resamples as integer) as stability_resamples,
        cast(scaling as varchar) as scaling,
        cast(features as varchar) as features
    from candidates
)

select * from final
