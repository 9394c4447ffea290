'use strict';
'require view';

// LuCI's menu has no entry type for a page outside LuCI: this view leads to dockerman's own
// console (/dockerman/, installed by the dockerman package), which logs in by itself.
return view.extend({
	render: function() {
		var url = '/dockerman/';
		window.setTimeout(function() { window.location.href = url; }, 0);
		return E('div', { 'class': 'cbi-map' }, [
			E('h2', {}, [ _('Docker console') ]),
			E('p', {}, [ E('a', { 'href': url, 'class': 'btn cbi-button' }, [ _('Open the Docker console') ]) ])
		]);
	},

	handleSave: null,
	handleSaveApply: null,
	handleReset: null
});
